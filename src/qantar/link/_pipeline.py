"""One link run: features → Splink (train, predict) → clusters honouring review → persons."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy import Engine, delete, insert

from qantar.errors import QantarError
from qantar.link import _backend, _features, _settings
from qantar.link._cluster import Clustering, cluster
from qantar.link._decisions import current_decisions
from qantar.link._evaluate import measures, read_truth
from qantar.link._impact import consequences
from qantar.link._persons import assign_ids, store_persons
from qantar.link._tables import link_pairs, link_runs
from qantar.project import Project

# Default match-probability threshold, chosen on synthetic truth (docs/link.md).
DEFAULT_THRESHOLD = 0.2
# Mean probability over all cross pairs two groups need to be merged (docs/link.md).
DEFAULT_LINKAGE = 0.25
# Pairs below this probability are not stored: they never reach a reviewer.
STORE_FLOOR = 0.01
Progress = Callable[[str], None]


@dataclass
class LinkResult:
    run_id: int | None
    seed: int
    threshold: float
    backend: str
    records: int
    sources: dict[str, int]
    candidate_pairs: int
    pairs_per_rule: list[dict[str, Any]]
    scored_pairs: int
    linked_pairs: int
    persons: int
    weak_clusters: int
    awaiting_review: int
    decisions_applied: int
    conflicts: int
    cut_edges: int
    warnings: list[str] = field(default_factory=list)
    blocking_recall: float | None = None
    # The same among true pairs of two records with a name: what the blocking rules can
    # reach (records without a name are never compared; see docs/link.md).
    blocking_recall_named: float | None = None
    truth: dict[str, float | int] | None = None
    model_path: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    linkage: float = 0.0
    # Reviewed pairs as a check on the model: how many decisions the scores agree with.
    review_check: dict[str, int] | None = None
    held_apart: int = 0  # strong links refused by the linkage rule (no chaining)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Scored:
    pairs: list[tuple[int, int, float, float, dict[str, Any]]]
    candidate_pairs: int
    per_rule: list[dict[str, Any]]
    blocking_recall: float | None
    blocking_recall_named: float | None
    model: dict[str, Any]
    linker: Any
    table: pa.Table  # the stored predictions, all Splink columns (for charts)


def _link_settings(project: Project) -> dict[str, Any]:
    return project.section("link")


_ARROW_TYPES = {"birth_year": pa.int64(), "birth_year_from_age": pa.bool_()}


def _arrow_tables(features: list[dict[str, Any]]) -> dict[str, pa.Table]:
    columns = ["record_id", *_features.FEATURE_COLUMNS]
    by_source: dict[str, list[dict[str, Any]]] = {}
    for row in features:
        by_source.setdefault(row["source"], []).append(row)
    schema = pa.schema(
        [
            ("record_id", pa.int64()),
            *[
                (
                    c,
                    pa.int64()
                    if c == "birth_year"
                    else pa.bool_()
                    if c == "birth_year_from_age"
                    else pa.string(),
                )
                for c in _features.FEATURE_COLUMNS
            ],
        ]
    )
    return {
        source: pa.Table.from_pylist([{c: r[c] for c in columns} for r in rows], schema=schema)
        for source, rows in by_source.items()
    }


def _labels(settings: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Gamma value → level label for each comparison (Splink numbers levels downward)."""
    out: dict[str, dict[int, str]] = {}
    for comp in settings["comparisons"]:
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        out[comp["output_column_name"]] = {
            len(levels) - 1 - i: lv["label_for_charts"] for i, lv in enumerate(levels)
        }
        out[comp["output_column_name"]][-1] = "missing"
    return out


def _score(
    features: list[dict[str, Any]],
    *,
    seed: int,
    backend: str,
    truth_ids: dict[int, str] | None,
    named: set[int],
    progress: Progress,
    nameless: bool = True,
) -> _Scored:
    from splink import Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    db_api = _backend.database_api(backend)
    tables = _arrow_tables(features)
    inputs = [
        db_api.register(table, table_name=f"qantar_src_{i}", dataset_display_name=f"src{i}")
        for i, table in enumerate(tables.values())
    ]
    settings = _settings.settings_dict(nameless=nameless)
    linker = Linker(inputs if len(inputs) > 1 else inputs[0], settings, log_level=logging.ERROR)
    progress("training: prior from near-certain matches")
    try:
        linker.training.estimate_probability_two_random_records_match(
            list(_settings.deterministic_rules()), recall=0.7
        )
    except Exception as exc:  # Splink raises plain errors when no pair satisfies the rules
        logging.getLogger(__name__).info("prior left at default: %s", exc)
    progress("training: u by random sampling")
    n = len(features)
    linker.training.estimate_u_using_random_sampling(
        max_pairs=float(min(max(n * n / 2, 1e4), 5e6)), seed=seed
    )
    for rule in _settings.training_rules():
        sql = rule.get_blocking_rule("duckdb").blocking_rule_sql
        progress(f"training: m by EM, blocked on {sql}")
        # A failed EM session can leave the linker without the comparisons it had set
        # aside: restore the last good model. It fails when a level never observed in the
        # block (a small project) or a pair class EM drives to certainty sends an m towards
        # 0 until Splink refuses it (below 1e-300): fewer iterations still train the rest.
        snapshot = linker.misc.save_model_to_json()
        for retry in EM_RETRY_ITERATIONS:
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True
                )
                break
            except Exception as exc:
                logging.getLogger(__name__).info("EM on %s failed: %s", sql, exc)
                model = {**snapshot, "max_iterations": retry or snapshot["max_iterations"]}
                linker = Linker(
                    inputs if len(inputs) > 1 else inputs[0], model, log_level=logging.ERROR
                )
                if not retry:
                    break
    model = _floor_m(linker.misc.save_model_to_json())
    linker = Linker(inputs if len(inputs) > 1 else inputs[0], model, log_level=logging.ERROR)
    progress("predicting")
    predictions = linker.inference.predict()
    con = db_api.duckdb_con if hasattr(db_api, "duckdb_con") else None
    rel = predictions.as_duckdbpyrelation() if con is not None else None
    rules = settings["blocking_rules_to_generate_predictions"]
    if rel is not None:
        counts = dict(rel.aggregate("match_key, count(*)", "match_key").fetchall())
        candidate = int(sum(counts.values()))
        kept = rel.filter(f"match_probability >= {STORE_FLOOR}")
        arrow = kept.to_arrow_table()
    else:  # pragma: no cover - other backends
        arrow = predictions.as_pyarrow_table()
        counts = {}
        for mk in arrow.column("match_key").to_pylist():
            counts[mk] = counts.get(mk, 0) + 1
        candidate = arrow.num_rows
    per_rule = [
        {"rule": rule, "new_pairs": int(counts.get(str(i)) or counts.get(i) or 0)}
        for i, rule in enumerate(rules)
    ]
    recall = recall_named = None
    if truth_ids is not None and rel is not None and con is not None:
        recall, recall_named = _blocking_recall(con, rel, truth_ids, named)
    labels = _labels(settings)
    comp_names = list(labels)
    data = arrow.to_pydict()
    pairs: list[tuple[int, int, float, float, dict[str, Any]]] = []
    for i in range(arrow.num_rows):
        explain: dict[str, Any] = {}
        for name in comp_names:
            gamma = data[f"gamma_{name}"][i]
            weight = float(data[f"mw_{name}"][i] or 0.0)
            tf_col = data.get(f"mw_tf_adj_{name}")
            if tf_col is not None:
                weight += float(tf_col[i] or 0.0)
            explain[name] = [labels[name].get(int(gamma), str(gamma)), round(weight, 2)]
        a, b = int(data["record_id_l"][i]), int(data["record_id_r"][i])
        if a > b:
            a, b = b, a
        pairs.append(
            (a, b, float(data["match_probability"][i]), float(data["match_weight"][i]), explain)
        )
    return _Scored(pairs, candidate, per_rule, recall, recall_named, model, linker, arrow)


M_FLOOR = 0.005
# Iterations of each retry after a failed EM session; 0: give up, keep the last good model.
EM_RETRY_ITERATIONS = (5, 2, 0)
# Pairs a reviewer may be asked about: the model is not sure enough either way (the queue
# then keeps those whose decision could change the persons: qantar.link._impact).
REVIEW_BAND = (0.01, 0.995)


@dataclass
class _Outcome:
    clustering: Clustering
    ids: list[str]
    awaiting: int
    matches: list[tuple[int, int]]
    non_matches: list[tuple[int, int]]


def _cluster(
    engine: Engine,
    record_keys: dict[int, str],
    pairs: list[tuple[int, int, float]],
    threshold: float,
    linkage: float = DEFAULT_LINKAGE,
) -> _Outcome:
    """Clusters honouring the decisions in force, with stable person ids."""
    key_to_id = {v: k for k, v in record_keys.items()}
    nameless = nameless_records(engine)
    matches: list[tuple[int, int]] = []
    non_matches: list[tuple[int, int]] = []
    for (ka, kb), d in current_decisions(engine).items():
        if ka in key_to_id and kb in key_to_id:
            if d.decision == "match":
                matches.append((key_to_id[ka], key_to_id[kb]))
            elif d.decision == "non-match":
                non_matches.append((key_to_id[ka], key_to_id[kb]))
    clustering = cluster(
        list(record_keys),
        pairs,
        threshold,
        matches=matches,
        non_matches=non_matches,
        linkage=linkage,
        vague=_vague_records(engine) | nameless,
    )
    ids = assign_ids(engine, clustering.clusters, record_keys)
    person_of = {rid: str(i) for i, c in enumerate(clustering.clusters) for rid in c.members}
    decided = {(min(a, b), max(a, b)) for a, b in matches + non_matches}
    awaiting = sum(
        c.near
        for c in consequences(
            [
                (a, b, p)
                for a, b, p in pairs
                if REVIEW_BAND[0] <= p <= REVIEW_BAND[1] and a not in nameless and b not in nameless
            ],
            person_of,
            threshold,
            matches=matches,
            decided=decided,
        )
    )
    return _Outcome(clustering, ids, awaiting, matches, non_matches)


def _vague_records(engine: Engine) -> set[int]:
    """Records whose given name is only an initial (a morgue's "Оспанов М.М.")."""
    from sqlalchemy import func, select

    from qantar.link._tables import link_features

    with engine.connect() as conn:
        return set(
            conn.execute(
                select(link_features.c.record_id).where(func.length(link_features.c.given_key) == 1)
            ).scalars()
        )


def nameless_records(engine: Engine) -> set[int]:
    """Records without a name (an unidentified body). Their scored pairs rest on age,
    date, place and sex alone, which many persons share: the review queue offers them
    only where few persons fit (``qantar.link._review``), not pair by pair."""
    from sqlalchemy import select

    from qantar.link._tables import link_features

    with engine.connect() as conn:
        return set(
            conn.execute(
                select(link_features.c.record_id).where(
                    link_features.c.surname_key.is_(None), link_features.c.given_key.is_(None)
                )
            ).scalars()
        )


def _floor_m(model: dict[str, Any]) -> dict[str, Any]:
    """EM gives m = 0 to a level it never saw among matches (a swapped name order in a
    small project, a slip in a date); that would forbid such a pair for ever, whatever
    else agrees. Floor every level, so unseen agreement counts as weak evidence and an
    unseen disagreement as strong but not absolute evidence, then renormalise."""
    for comp in model["comparisons"]:
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        for lv in levels:
            if lv.get("m_probability") is not None:
                lv["m_probability"] = max(float(lv["m_probability"]), M_FLOOR)
        total = sum(float(lv.get("m_probability") or 0.0) for lv in levels)
        if total > 0:
            for lv in levels:
                if lv.get("m_probability") is not None:
                    lv["m_probability"] = float(lv["m_probability"]) / total
    return model


def _blocking_recall(
    con: Any, rel: Any, truth_ids: dict[int, str], named: set[int]
) -> tuple[float, float]:
    """Share of true pairs that blocking put in front of the model: of all true pairs,
    and of those whose two records both have a name (the others are never compared)."""
    ids = list(truth_ids)
    truth = pa.table(
        {
            "record_id": ids,
            "person_id": [truth_ids[i] for i in ids],
            "named": [i in named for i in ids],
        }
    )
    con.register("qantar_truth", truth)
    cand = rel.select(
        "least(record_id_l, record_id_r) AS a, greatest(record_id_l, record_id_r) AS b"
    )
    con.register("qantar_cand", cand)
    row = con.execute(
        """
        WITH tp AS (
          SELECT t1.record_id AS a, t2.record_id AS b, t1.named AND t2.named AS named
          FROM qantar_truth t1
          JOIN qantar_truth t2 ON t1.person_id = t2.person_id AND t1.record_id < t2.record_id
        )
        SELECT count(*), count(c.a), count(*) FILTER (WHERE tp.named),
               count(c.a) FILTER (WHERE tp.named)
        FROM tp LEFT JOIN qantar_cand c ON tp.a = c.a AND tp.b = c.b
        """
    ).fetchone()
    total, found, total_named, found_named = (int(x) for x in row)
    return (
        round(found / total, 5) if total else 1.0,
        round(found_named / total_named, 5) if total_named else 1.0,
    )


def _truth_ids(project: Project, path: Path, rows: list[_features.RecordRow]) -> dict[int, str]:
    truth = read_truth(path)
    out: dict[int, str] = {}
    for rec in rows:
        keys = []
        if rec.data.get("source_record_id"):
            keys.append((rec.source, str(rec.data["source_record_id"])))
        keys.append((rec.source, str(rec.data["row_number"])))
        for k in keys:
            if k in truth:
                out[rec.record_id] = truth[k]
                break
    if not out:
        raise QantarError(
            f"{path}: no row matches a record (columns source, record_id must name the "
            "source as imported and its record id or row number)"
        )
    return out


def run(
    project: Project,
    *,
    seed: int = 42,
    threshold: float | None = None,
    truth: Path | None = None,
    charts: Path | None = None,
    progress: Progress | None = None,
) -> LinkResult:
    """Link every record of the project into persons and store the run."""
    say: Progress = progress or (lambda _msg: None)
    settings = _link_settings(project)
    backend = _backend.backend_name(settings)
    if threshold is None:
        threshold = float(settings.get("threshold", DEFAULT_THRESHOLD))
    if not 0.0 < threshold < 1.0:
        raise QantarError(f"threshold {threshold} must lie strictly between 0 and 1")
    engine = project.engine
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    say("computing record features")
    features = _features.refresh(engine)
    rows = list(_features.iter_records(engine))
    timings["features"] = round(time.perf_counter() - t0, 2)
    if not features:
        raise QantarError("no records to link: import a list first (`qantar import FILE`)")
    sources: dict[str, int] = {}
    named: dict[str, int] = {}
    for f in features:
        sources[f["source"]] = sources.get(f["source"], 0) + 1
        if f["surname_key"] or f["given_key"]:
            named[f["source"]] = named.get(f["source"], 0) + 1
    warnings = [
        f"source {s!r} has no names in any of its {n} records: they can only be linked by "
        "reviewers; check its column mapping"
        for s, n in sources.items()
        if not named.get(s)
    ]
    truth_ids = _truth_ids(project, truth, rows) if truth is not None else None
    record_keys = {f["record_id"]: f["record_key"] for f in features}
    named_ids = {f["record_id"] for f in features if f["surname_key"] or f["given_key"]}
    # A record without a name (an unidentified body) is still compared when it has a
    # date and a place: a blocking rule offers it the persons it could be.
    usable = [
        f for f in features if f["record_id"] in named_ids or (f["event_date"] and f["place_id"])
    ]
    nameless_pairs = _settings.nameless_pairs(usable)
    compare_nameless = nameless_pairs <= _settings.NAMELESS_PAIR_LIMIT
    if not compare_nameless:
        warnings.append(
            f"records without a name are not compared (about {nameless_pairs:,} pairs, over "
            f"{_settings.NAMELESS_PAIR_LIMIT:,}); `qantar review` still offers those few "
            "persons fit"
        )
    t1 = time.perf_counter()
    scored: _Scored | None = None
    if len(named_ids) < 2:
        warnings.append(
            "fewer than two records with a name: nothing for the model to compare; "
            "each record is its own person until reviewers link them"
        )
    else:
        scored = _score(
            usable,
            seed=seed,
            backend=backend,
            truth_ids=truth_ids,
            named=named_ids,
            progress=say,
            nameless=compare_nameless,
        )
    timings["splink"] = round(time.perf_counter() - t1, 2)
    pairs = scored.pairs if scored else []
    t2 = time.perf_counter()
    say("clustering")
    linkage = float(settings.get("linkage", DEFAULT_LINKAGE))
    outcome = _cluster(
        engine, record_keys, [(a, b, p) for a, b, p, _w, _e in pairs], threshold, linkage
    )
    clustering, ids, awaiting = outcome.clustering, outcome.ids, outcome.awaiting
    matches, non_matches = outcome.matches, outcome.non_matches
    timings["cluster"] = round(time.perf_counter() - t2, 2)
    check = _review_check(pairs, outcome.matches, outcome.non_matches, threshold)
    now = dt.datetime.now(dt.UTC)
    run_dir = project.runs_dir / f"link-{now:%Y%m%dT%H%M%S%f}"
    model_rel: str | None = None
    if scored is not None:
        run_dir.mkdir(parents=True, exist_ok=True)
        (run_dir / "model.json").write_text(json.dumps(scored.model, indent=1), encoding="utf-8")
        model_rel = str((run_dir / "model.json").relative_to(project.root))
    result = LinkResult(
        run_id=None,
        seed=seed,
        threshold=threshold,
        backend=backend,
        records=len(features),
        sources=sources,
        candidate_pairs=scored.candidate_pairs if scored else 0,
        pairs_per_rule=scored.per_rule if scored else [],
        scored_pairs=len(pairs),
        linked_pairs=sum(1 for p in pairs if p[2] >= threshold),
        persons=len(clustering.clusters),
        weak_clusters=sum(1 for c in clustering.clusters if c.weak),
        awaiting_review=awaiting,
        decisions_applied=len(matches) + len(non_matches),
        conflicts=len(clustering.conflicts),
        cut_edges=clustering.cut_edges,
        held_apart=clustering.held_apart,
        warnings=warnings,
        blocking_recall=scored.blocking_recall if scored else None,
        blocking_recall_named=scored.blocking_recall_named if scored else None,
        model_path=model_rel,
        seconds=timings,
        linkage=linkage,
        review_check=check,
    )
    if check and check["scored"] >= 20 and check["agree"] < 0.8 * check["scored"]:
        warnings.append(
            f"the model agrees with only {check['agree']} of {check['scored']} reviewed pairs: "
            "check the column mapping of the sources, or review more pairs"
        )
    if clustering.conflicts:
        warnings.append(
            f"{len(clustering.conflicts)} reviewed match(es) contradict reviewed non-matches "
            "and were not merged: review them again"
        )
    with engine.begin() as conn:
        inserted = conn.execute(
            insert(link_runs).values(
                created_at=now,
                seed=seed,
                threshold=threshold,
                backend=backend,
                model_path=model_rel,
                summary={},
            )
        ).inserted_primary_key
        assert inserted is not None
        run_id = int(inserted[0])
        # Pairs are derived data: only the latest run's are kept.
        conn.execute(delete(link_pairs))
        batch = [
            {
                "run_id": run_id,
                "record_id_l": a,
                "record_id_r": b,
                "match_probability": p,
                "match_weight": w,
                "explain": e,
            }
            for a, b, p, w, e in pairs
        ]
        for start in range(0, len(batch), 5000):
            conn.execute(insert(link_pairs), batch[start : start + 5000])
    result.run_id = int(run_id)
    store_persons(engine, result.run_id, clustering.clusters, ids, record_keys)
    if truth_ids is not None:
        label = {m: pid for c, pid in zip(clustering.clusters, ids, strict=True) for m in c.members}
        result.truth = measures(label, truth_ids)
    if charts is not None and scored is not None:
        _write_charts(scored, charts)
    with engine.begin() as conn:
        conn.execute(
            link_runs.update().where(link_runs.c.id == run_id).values(summary=result.as_dict())
        )
    if scored is not None:
        (run_dir / "summary.json").write_text(
            json.dumps(result.as_dict(), indent=1, default=str), encoding="utf-8"
        )
    return result


def _write_charts(scored: _Scored, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    linker = scored.linker
    linker.visualisations.match_weights_chart().save(str(out / "match_weights.html"))
    linker.visualisations.m_u_parameters_chart().save(str(out / "m_u_parameters.html"))
    # A waterfall for the pairs nearest an even chance: the ones a reviewer sees first.
    rows = scored.table.to_pylist()
    rows.sort(key=lambda r: abs(float(r["match_probability"]) - 0.5))
    if rows:
        linker.visualisations.waterfall_chart(rows[:10], filter_nulls=False).save(
            str(out / "waterfall.html")
        )


def _review_check(
    pairs: list[tuple[int, int, float, float, dict[str, Any]]],
    matches: list[tuple[int, int]],
    non_matches: list[tuple[int, int]],
    threshold: float,
) -> dict[str, int] | None:
    """Reviewers' decisions against the model's scores for the same pairs."""
    if not matches and not non_matches:
        return None
    score = {(a, b): p for a, b, p, _w, _e in pairs}
    agree = scored = 0
    for decided, is_match in ((matches, True), (non_matches, False)):
        for a, b in decided:
            p = score.get((min(a, b), max(a, b)))
            if p is None:
                continue
            scored += 1
            agree += (p >= threshold) == is_match
    return {"decisions": len(matches) + len(non_matches), "scored": scored, "agree": agree}


def latest_run_id(engine: Engine) -> int | None:
    from sqlalchemy import func, select

    with engine.connect() as conn:
        value = conn.execute(select(func.max(link_runs.c.id))).scalar()
    return int(value) if value is not None else None


def recluster(project: Project, *, threshold: float | None = None) -> LinkResult:
    """Cluster the latest run's scored pairs again with the decisions now in force.

    Cheap (no Splink): reviewers see the effect of their decisions at once. Records
    imported since that run stay out until the next ``run``.
    """
    from sqlalchemy import select

    from qantar.link._tables import link_features

    engine = project.engine
    run_id = latest_run_id(engine)
    if run_id is None:
        raise QantarError("no link run yet: run `qantar link` first")
    with engine.connect() as conn:
        run_row = conn.execute(select(link_runs).where(link_runs.c.id == run_id)).one()
        pairs = [
            (int(a), int(b), float(p))
            for a, b, p in conn.execute(
                select(
                    link_pairs.c.record_id_l,
                    link_pairs.c.record_id_r,
                    link_pairs.c.match_probability,
                )
            )
        ]
        record_keys = dict(
            conn.execute(select(link_features.c.record_id, link_features.c.record_key)).all()
        )
    threshold = float(run_row.threshold if threshold is None else threshold)
    summary = dict(run_row.summary or {})
    outcome = _cluster(
        engine, record_keys, pairs, threshold, float(summary.get("linkage", DEFAULT_LINKAGE))
    )
    store_persons(engine, run_id, outcome.clustering.clusters, outcome.ids, record_keys)
    summary.update(
        threshold=threshold,
        persons=len(outcome.clustering.clusters),
        weak_clusters=sum(1 for c in outcome.clustering.clusters if c.weak),
        awaiting_review=outcome.awaiting,
        decisions_applied=len(outcome.matches) + len(outcome.non_matches),
        conflicts=len(outcome.clustering.conflicts),
        cut_edges=outcome.clustering.cut_edges,
        held_apart=outcome.clustering.held_apart,
        linked_pairs=sum(1 for p in pairs if p[2] >= threshold),
        truth=None,
    )
    fields = LinkResult.__dataclass_fields__
    result = LinkResult(**{k: v for k, v in summary.items() if k in fields})
    result.run_id = run_id
    return result


def evaluate(project: Project, truth: Path) -> dict[str, float | int]:
    """Pairwise and cluster measures of the current persons against a truth CSV."""
    from sqlalchemy import select

    from qantar.link._tables import person_records

    truth_ids = _truth_ids(project, truth, list(_features.iter_records(project.engine)))
    with project.engine.connect() as conn:
        label = dict(
            conn.execute(select(person_records.c.record_id, person_records.c.person_id)).all()
        )
    if not label:
        raise QantarError("no persons yet: run `qantar link` first")
    return measures(label, truth_ids)
