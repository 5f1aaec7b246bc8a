"""Linkage on local Spark against DuckDB, on the same synthetic lists, on this machine.

    PYTHONPATH=src python bench/link_spark_bench.py                      # 100,000 records
    PYTHONPATH=src python bench/link_spark_bench.py --records 1000000 --workdir bench/out/spark
    PYTHONPATH=src python bench/link_spark_bench.py --backends spark --master 'local[2]'

The lists are written once (``tests/link/link_scenario.py``, as ``link_bench.py --scale``);
each backend then links a fresh copy of them in a child process of its own, whose
resident memory is sampled with all its descendants (Spark's JVM included) from /proc.
Prints, per backend: wall time of the link run, phases, peak RSS of the process tree,
candidate and scored pairs, F1 against the truth; then pairwise F1 between the two
backends' persons. Figures go to bench/README.md, section Linkage on Spark.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _tree_rss_mib(root: int) -> float:
    """Resident memory of ``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as handle:
                fields = dict(line.split(":", 1) for line in handle if ":" in line)
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields["PPid"]), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total / 1024


def _child(backend: str, case: Path, truth: Path, spark: dict[str, Any], out: Path) -> None:
    """One link run (in its own process); its result as JSON in ``out``."""
    from qantar import Project
    from qantar.link import run

    project = Project.open(case)
    project.settings["link"] = {"backend": backend, "spark": spark}
    started = time.perf_counter()

    def say(message: str) -> None:
        print(f"  [{backend} {time.perf_counter() - started:7.1f} s] {message[:60]}", flush=True)

    result = run(project, seed=3, truth=truth, progress=say)
    seconds = time.perf_counter() - started
    project.close()
    out.write_text(
        json.dumps(
            {
                "records": result.records,
                "seconds": round(seconds, 1),
                "phases": result.seconds,
                "candidate_pairs": result.candidate_pairs,
                "scored_pairs": result.scored_pairs,
                "persons": result.persons,
                "blocking_recall": result.blocking_recall,
                "f1": result.truth["f1"] if result.truth else None,
            }
        ),
        encoding="utf-8",
    )


def _persons(case: Path) -> dict[int, str]:
    from sqlalchemy import select

    from qantar import Project
    from qantar.link._tables import person_records

    project = Project.open(case)
    with project.engine.connect() as conn:
        rows = conn.execute(select(person_records.c.record_id, person_records.c.person_id))
        out = {int(r): str(p) for r, p in rows}
    project.close()
    return out


def _measure(backend: str, pristine: Path, work: Path, spark: dict[str, Any]) -> dict[str, Any]:
    copy = work / f"{backend}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(pristine, copy)
    out = copy / "result.json"
    argv = [sys.executable, __file__, "--child", backend, "--case", str(copy / "case")]
    argv += ["--truth", str(copy / "truth.csv"), "--spark", json.dumps(spark), "--out", str(out)]
    proc = subprocess.Popen(argv)
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.5):
            peak = max(peak, _tree_rss_mib(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    stop.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"the {backend} run failed ({code})")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    result["peak_rss_mib_tree"] = round(peak)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backends", default="duckdb,spark")
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--shuffle-partitions", type=int, default=8)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the lists for reuse")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--case", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--truth", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--spark", default="{}", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.case, args.truth, json.loads(args.spark), args.out)
        return
    from link_bench import _prepare_scale

    spark = {
        "master": args.master,
        "driver_memory": args.driver_memory,
        "shuffle_partitions": args.shuffle_partitions,
    }
    with tempfile.TemporaryDirectory() as tmp:
        base = args.workdir or Path(tmp)
        pristine = base / f"pristine-{args.records}-{args.seed}"
        if not (pristine / "truth.csv").exists():
            shutil.rmtree(pristine, ignore_errors=True)
            pristine.mkdir(parents=True)
            _prepare_scale(pristine, args.records, args.seed)
        work = base / f"spark-bench-{args.records}-{args.seed}"
        results = {}
        for backend in args.backends.split(","):
            results[backend] = _measure(backend, pristine, work, spark)
            print(json.dumps({backend: results[backend]}), flush=True)
        if len(results) == 2:
            from qantar.link._evaluate import measures

            a, b = (_persons(work / name / "case") for name in results)
            agree = measures(a, b)
            print(
                json.dumps(
                    {"between_backends": {k: agree[k] for k in ("precision", "recall", "f1")}}
                )
            )
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
