"""One link run: features → Splink (train, predict) → clusters honouring review → persons."""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine, delete, insert

from qantar.errors import N_, QantarError
from qantar.link import _backend, _dialect, _features, _settings
from qantar.link._cluster import Clustering, cluster
from qantar.link._decisions import _current_decisions
from qantar.link._evaluate import measures, read_truth
from qantar.link._impact import linked_by_model
from qantar.link._persons import assign_ids, store_persons
from qantar.link._tables import link_pairs, link_runs
from qantar.model import Decision
from qantar.model.dicts import fields_dict
from qantar.notes import Note, dump_notes, load_notes
from qantar.project import Project
from qantar.settings import DEFAULTS, LinkSettings
from qantar.store.bulk import bulk_insert

# Default match-probability threshold, chosen on synthetic truth (docs/link.md).
DEFAULT_THRESHOLD = DEFAULTS.link.threshold
# Mean probability over all cross pairs two groups need to be merged (docs/link.md).
DEFAULT_LINKAGE = DEFAULTS.link.linkage
# Prior chance that two records match, before it is estimated from near-certain pairs.
PRIOR_DEFAULT = 1e-4
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
    held_apart: int = 0  # strong links refused by the linkage or repeat rule (no chaining)

    def to_dict(self) -> dict[str, Any]:
        # the warnings' words beside their English, so a later reader can word them
        return {**fields_dict(self), "warning_words": dump_notes(self.warnings)}


@dataclass
class _Scored:
    pairs: list[tuple[int, int, float]]  # (record_id_l < record_id_r, probability)
    candidate_pairs: int
    per_rule: list[dict[str, Any]]
    blocking_recall: float | None
    blocking_recall_named: float | None
    model: dict[str, Any]
    linker: Any
    con: Any  # the DuckDB connection on this machine holding the kept predictions
    kept: str  # their table, all Splink columns (for storing explanations and charts)
    comparisons: dict[str, dict[int, str]]


def _link_settings(project: Project) -> LinkSettings:
    return project.settings.link


# Above this many records, EM trains on a sample of its block (at a million records one
# EM block holds billions of pairs; a few million pairs pin m down as well).
EM_SAMPLE_FROM = 50_000
EM_MAX_PAIRS = 5e6
# Records per prediction chunk: each chunk's candidate pairs are scored and filtered
# before the next is blocked, so memory follows the chunk, not the whole run.
CHUNK_RECORDS = 200_000


def _source_tables(features: pa.Table) -> list[pa.Table]:
    """One Arrow table per source, in order of first appearance, each with its list's
    name (``_settings.source_name``) for the list comparison."""
    source = features.column("source")
    keep = features.drop_columns(["source", "record_key"])
    out = []
    for i, s in enumerate(pc.unique(source).to_pylist()):
        table = keep.filter(pc.equal(source, s))
        name = pa.array([_settings.source_name(i)] * table.num_rows, pa.string())
        out.append(table.append_column(_settings.LIST_COLUMN, name))
    return out


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


def _train(linker: Any, n: int, seed: int, progress: Progress, relink: Callable[[Any], Any]) -> Any:
    """Prior, u by random sampling, m by EM; returns the linker holding the trained model."""
    progress("training: prior from near-certain matches")
    try:
        linker.training.estimate_probability_two_random_records_match(
            list(_settings.deterministic_rules()), recall=0.7
        )
    except Exception as exc:  # Splink raises plain errors when no pair satisfies the rules
        logging.getLogger(__name__).info("prior left at default: %s", exc)
    model = linker.misc.save_model_to_json()
    # No near-certain pair at all (a project whose persons each have one record) makes
    # Splink estimate a prior of 0, which no evidence could overcome: keep the default.
    if not 0.0 < float(model["probability_two_random_records_match"]) < 1.0:
        linker = relink({**model, "probability_two_random_records_match": PRIOR_DEFAULT})
    progress("training: u by random sampling")
    linker.training.estimate_u_using_random_sampling(
        max_pairs=float(min(max(n * n / 2, 1e4), 5e6)), seed=seed
    )
    em_options: dict[str, Any] = {}
    if n > EM_SAMPLE_FROM:
        em_options["max_pairs"] = EM_MAX_PAIRS
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
                    rule, estimate_without_term_frequencies=True, **em_options
                )
                break
            except Exception as exc:
                logging.getLogger(__name__).info("EM on %s failed: %s", sql, exc)
                linker = relink({**snapshot, "max_iterations": retry or snapshot["max_iterations"]})
                if not retry:
                    break
    return linker


def _score(
    features: pa.Table,
    *,
    seed: int,
    backend: _backend.Backend,
    truth_ids: dict[int, str] | None,
    named: set[int],
    progress: Progress,
    nameless: bool = True,
    broad: bool = True,
    year: int = DEFAULTS.case.start_year,
) -> _Scored:
    from splink import Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    inputs = [
        backend.register(table, f"qantar_src_{i}", _settings.source_name(i))
        for i, table in enumerate(_source_tables(features))
    ]

    def relink(model: dict[str, Any]) -> Any:
        return Linker(inputs if len(inputs) > 1 else inputs[0], model, log_level=logging.ERROR)

    settings = _settings.settings_dict(
        PRIOR_DEFAULT,
        nameless=nameless,
        broad=broad,
        lists=len(inputs),
        backend=backend.name,
        year=year,
    )
    if len(inputs) == 1:
        # One list still repeats people: Splink dedupes it, and has no list column to
        # compare (the repeat rule in clustering still holds every pair to its own score).
        settings["link_type"] = "dedupe_only"
        settings.pop("source_dataset_column_name", None)
    n = features.num_rows
    linker = _train(relink(settings), n, seed, progress, relink)
    model = _floor_m(linker.misc.save_model_to_json())
    linker = relink(model)
    con = backend.local
    chunks = max(1, math.ceil(n / CHUNK_RECORDS))
    counts: Counter[str] = Counter()
    kept_parts: list[Any] = []
    if truth_ids is not None:
        _true_pairs(con, truth_ids, named)
        backend.put(
            pa.table({"record_id": list(truth_ids), "person": list(truth_ids.values())}),
            "qantar_truth_ids",
        )
    for part in range(1, chunks + 1):
        progress(f"blocking: chunk {part} of {chunks}")
        blocked = linker.inference.compute_blocked_pairs_for_predict_chunk(
            left_chunk=(1, 1), right_chunk=(part, chunks)
        )
        per_key = backend.to_arrow(
            f"SELECT match_key, count(*) AS n FROM {blocked.physical_name} GROUP BY match_key"
        )
        counts.update({str(k): int(v) for k, v in zip(*per_key.to_pydict().values(), strict=True)})
        if truth_ids is not None:
            _mark_found(con, backend.to_arrow(_found_sql(backend.name, blocked.physical_name)))
        progress(f"scoring: chunk {part} of {chunks}")
        kept_parts.append(
            linker.inference.predict_chunk(
                left_chunk=(1, 1),
                right_chunk=(part, chunks),
                threshold_match_probability=STORE_FLOOR,
                warning_mode="never",
            )
        )
        blocked.drop_table_from_database_and_remove_from_cache()
    kept = "qantar_kept"
    backend.gather(kept_parts, kept)
    for p in kept_parts:
        p.drop_table_from_database_and_remove_from_cache()
    rules = settings["blocking_rules_to_generate_predictions"]
    per_rule = [
        {"rule": rule, "new_pairs": int(counts.get(str(i), 0))} for i, rule in enumerate(rules)
    ]
    recall = recall_named = None
    if truth_ids is not None:
        recall, recall_named = _blocking_recall(con)
    pairs = [
        (min(a, b), max(a, b), float(p))
        for a, b, p in con.execute(
            f"SELECT record_id_l, record_id_r, match_probability FROM {kept}"
        ).fetchall()
    ]
    return _Scored(
        pairs,
        int(sum(counts.values())),
        per_rule,
        recall,
        recall_named,
        model,
        linker,
        con,
        kept,
        _labels(settings),
    )


def _found_sql(backend: str, blocked: str) -> str:
    """The true pairs among a chunk's candidate pairs (``blocked``), found on the engine
    that blocked them: only these few come back to this machine."""
    d = _dialect.dialect(backend)
    x, y = d.record_id("join_key_l"), d.record_id("join_key_r")
    return f"""
        SELECT least(c.x, c.y) AS a, greatest(c.x, c.y) AS b
        FROM (SELECT {x} AS x, {y} AS y FROM {blocked}) c
        JOIN qantar_truth_ids t1 ON t1.record_id = c.x
        JOIN qantar_truth_ids t2 ON t2.record_id = c.y AND t1.person = t2.person
    """


def _explained_pairs(
    scored: _Scored, run_id: int, batch: int = 50_000
) -> Iterator[list[tuple[Any, ...]]]:
    """The kept pairs with each comparison's level and match weight, in batches ready
    for ``link_pairs`` (labels and weights are picked in SQL: a million pairs stay fast)."""
    labels = scored.comparisons
    present = set(scored.con.sql(f"SELECT * FROM {scored.kept} LIMIT 0").columns)
    select = [
        "least(record_id_l, record_id_r) AS a",
        "greatest(record_id_l, record_id_r) AS b",
        "match_probability",
        "match_weight",
    ]
    for name, levels in labels.items():
        cases = " ".join(
            f"WHEN {int(g)} THEN '{label.replace(chr(39), chr(39) * 2)}'"
            for g, label in levels.items()
        )
        select.append(f"CASE gamma_{name} {cases} ELSE CAST(gamma_{name} AS VARCHAR) END")
        tf = f" + coalesce(mw_tf_adj_{name}, 0.0)" if f"mw_tf_adj_{name}" in present else ""
        select.append(f"coalesce(mw_{name}, 0.0){tf}")
    reader = scored.con.sql(f"SELECT {', '.join(select)} FROM {scored.kept}").to_arrow_reader(batch)
    names = list(labels)
    for record_batch in reader:
        columns = [c.to_pylist() for c in record_batch.columns]
        yield [
            (
                run_id,
                row[0],
                row[1],
                row[2],
                row[3],
                {name: [row[4 + 2 * j], round(row[5 + 2 * j], 2)] for j, name in enumerate(names)},
            )
            for row in zip(*columns, strict=True)
        ]


PAIR_COLUMNS = (
    "run_id",
    "record_id_l",
    "record_id_r",
    "match_probability",
    "match_weight",
    "explain",
)


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
    matches: list[tuple[int, int]]
    non_matches: list[tuple[int, int]]


def _cluster(
    engine: Engine,
    record_keys: dict[int, str],
    pairs: list[tuple[int, int, float]],
    threshold: float,
    linkage: float = DEFAULT_LINKAGE,
    nameless: set[int] | None = None,
) -> _Outcome:
    """Clusters honouring the decisions in force, with stable person ids. ``nameless``:
    the records without a name, when the caller knows them (else read from the store)."""
    key_to_id = {v: k for k, v in record_keys.items()}
    if nameless is None:
        nameless = nameless_records(engine)
    matches: list[tuple[int, int]] = []
    non_matches: list[tuple[int, int]] = []
    for (ka, kb), d in _current_decisions(engine).items():
        if ka in key_to_id and kb in key_to_id:
            if d.decision == Decision.MATCH:
                matches.append((key_to_id[ka], key_to_id[kb]))
            elif d.decision == Decision.NON_MATCH:
                non_matches.append((key_to_id[ka], key_to_id[kb]))
    within, _across = _by_component(list(record_keys), pairs, threshold, matches)
    clustering = cluster(
        list(record_keys),
        within,
        threshold,
        matches=matches,
        non_matches=non_matches,
        linkage=linkage,
        **record_traits(engine, nameless),
    )
    ids = assign_ids(engine, clustering.clusters, record_keys)
    return _Outcome(clustering, ids, matches, non_matches)


def persons_before_review(
    engine: Engine,
    scores: dict[tuple[int, int], float],
    threshold: float,
    linkage: float,
    pairs: Iterable[tuple[int, int]],
) -> dict[int, int]:
    """Record -> person, as the model alone clusters them (no decisions), for the records
    near ``pairs``: whether a decided pair was asked as a split (one person then) or a
    join. Only the components of links holding one of ``pairs`` are clustered again."""
    component = linked_by_model(((a, b, p) for (a, b), p in scores.items()), threshold)
    wanted = {component[a] for a, b in pairs if a in component and component.get(b) == component[a]}
    if not wanted:
        return {}
    inside = [
        (a, b, p)
        for (a, b), p in scores.items()
        if a in component and component[a] in wanted and component.get(b) == component[a]
    ]
    clustering = cluster(
        [r for r, c in component.items() if c in wanted],
        inside,
        threshold,
        linkage=linkage,
        **record_traits(engine),
    )
    return {m: i for i, c in enumerate(clustering.clusters) for m in c.members}


def _by_component(
    record_ids: list[int],
    pairs: list[tuple[int, int, float]],
    threshold: float,
    matches: list[tuple[int, int]],
) -> tuple[list[tuple[int, int, float]], list[tuple[int, int, float]]]:
    """Pairs inside and across the connected components of links at ``threshold`` and
    reviewed matches. Clustering only ever weighs pairs inside one component (it merges
    along links, and averages the pairs between the two groups a link would join), so
    the many weak pairs between namesakes in different components can stay out of it."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if not pairs or not record_ids:
        return [], list(pairs)
    ids = np.asarray(sorted(record_ids), dtype=np.int64)
    a = np.fromiter((x[0] for x in pairs), dtype=np.int64, count=len(pairs))
    b = np.fromiter((x[1] for x in pairs), dtype=np.int64, count=len(pairs))
    p = np.fromiter((x[2] for x in pairs), dtype=np.float64, count=len(pairs))
    last = max(len(ids) - 1, 0)
    ia = np.minimum(np.searchsorted(ids, a), last)
    ib = np.minimum(np.searchsorted(ids, b), last)
    # A pair naming a record no longer linked is left to the clustering, which skips it.
    valid = (ids[ia] == a) & (ids[ib] == b) if len(ids) else np.zeros(len(a), dtype=bool)
    strong = (p >= threshold) & valid
    ma = np.asarray([m[0] for m in matches], dtype=np.int64)
    mb = np.asarray([m[1] for m in matches], dtype=np.int64)
    known = np.isin(ma, ids) & np.isin(mb, ids)
    rows = np.concatenate([ia[strong], np.searchsorted(ids, ma[known])])
    cols = np.concatenate([ib[strong], np.searchsorted(ids, mb[known])])
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(len(ids),) * 2)
    _n, component = connected_components(graph, directed=False)
    inside = valid & (component[ia] == component[ib])
    within = [pairs[i] for i in np.flatnonzero(inside)]
    across = [pairs[i] for i in np.flatnonzero(~inside)]
    return within, across


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


def stored_pairs(conn: Any) -> list[tuple[int, int, float]]:
    """The scored pairs of the last run: (record id, record id, match probability)."""
    from sqlalchemy import select

    return [
        (int(a), int(b), float(p))
        for a, b, p in conn.execute(
            select(
                link_pairs.c.record_id_l, link_pairs.c.record_id_r, link_pairs.c.match_probability
            )
        )
    ]


def record_lists(engine: Engine) -> dict[int, str]:
    """Each record's list (source name)."""
    from sqlalchemy import select

    from qantar.link._tables import link_features

    names: dict[str, str] = {}  # one string per list, not one per record
    with engine.connect() as conn:
        return {
            int(rid): names.setdefault(src, src)
            for rid, src in conn.execute(select(link_features.c.record_id, link_features.c.source))
        }


def record_traits(engine: Engine, nameless: set[int] | None = None) -> dict[str, Any]:
    """What clustering needs to know of the records besides their scores: the ``vague``
    ones (an initial only, or no name at all) and each record's list (``lists``), as the
    keyword arguments of ``qantar.link._cluster.cluster``. ``nameless``: the records
    without a name, when the caller already knows them."""
    if nameless is None:
        nameless = nameless_records(engine)
    return {"vague": _vague_records(engine) | nameless, "lists": record_lists(engine)}


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


def _floor_m(model: dict[str, Any]) -> dict[str, Any]:
    """EM gives m = 0 to a level it never saw among matches (a swapped name order in a
    small project, a slip in a date); that would forbid such a pair for ever, whatever
    else agrees. Floor every level, so unseen agreement counts as weak evidence and an
    unseen disagreement as strong but not absolute evidence, then renormalise."""
    for comp in model["comparisons"]:
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        start = _settings.PRIOR_M.get(comp["output_column_name"])
        untrained = _untrained_levels(levels, start)
        for i, lv in enumerate(levels):
            if lv.get("m_probability") is not None:
                m = M_FLOOR if i in untrained else float(lv["m_probability"])
                lv["m_probability"] = max(m, M_FLOOR)
        total = sum(float(lv.get("m_probability") or 0.0) for lv in levels)
        if total > 0:
            for lv in levels:
                if lv.get("m_probability") is not None:
                    lv["m_probability"] = float(lv["m_probability"]) / total
    return model


def _untrained_levels(levels: list[dict[str, Any]], start: tuple[float, ...] | None) -> set[int]:
    """Levels EM left at their starting m because no pair of these data fell in them (no
    ages on either list, say). Their start would otherwise keep a share of the m mass and
    shrink every level EM did estimate; they are floored instead. When EM trained none of
    the comparison's levels (a project too small for it), the starting values stand."""
    if start is None or len(start) != len(levels):
        return set()
    same = {
        i
        for i, (lv, m) in enumerate(zip(levels, start, strict=True))
        if lv.get("m_probability") is not None and float(lv["m_probability"]) == m
    }
    return same if len(same) < len(levels) else set()


def _true_pairs(con: Any, truth_ids: dict[int, str], named: set[int]) -> None:
    """The true pairs, for measuring blocking recall chunk by chunk."""
    ids = list(truth_ids)
    truth = pa.table(
        {
            "record_id": ids,
            "person_id": [truth_ids[i] for i in ids],
            "named": [i in named for i in ids],
        }
    )
    con.register("qantar_truth", truth)
    con.execute(
        """
        CREATE TABLE qantar_true_pairs AS
        SELECT t1.record_id AS a, t2.record_id AS b, t1.named AND t2.named AS named,
               false AS found
        FROM qantar_truth t1
        JOIN qantar_truth t2 ON t1.person_id = t2.person_id AND t1.record_id < t2.record_id
        """
    )
    con.unregister("qantar_truth")


def _mark_found(con: Any, found: pa.Table) -> None:
    """Mark the true pairs one chunk's blocking found (``found``: columns a < b)."""
    con.register("qantar_chunk", found)
    con.execute(
        """
        UPDATE qantar_true_pairs SET found = true
        FROM qantar_chunk c
        WHERE qantar_true_pairs.a = c.a AND qantar_true_pairs.b = c.b
        """
    )
    con.unregister("qantar_chunk")


def _blocking_recall(con: Any) -> tuple[float, float]:
    """Share of true pairs that blocking put in front of the model: of all true pairs,
    and of those whose two records both have a name (the others are never compared)."""
    row = con.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE found), count(*) FILTER (WHERE named),
               count(*) FILTER (WHERE named AND found)
        FROM qantar_true_pairs
        """
    ).fetchall()[0]
    con.execute("DROP TABLE qantar_true_pairs")
    total, found, total_named, found_named = (int(x) for x in row)
    return (
        round(found / total, 5) if total else 1.0,
        round(found_named / total_named, 5) if total_named else 1.0,
    )


def _truth_ids(project: Project, path: Path, rows: Iterable[_features.RecordRow]) -> dict[int, str]:
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
            N_(
                "%(file)s: no row matches a record (columns source, record_id must name the "
                "source as imported and its record id or row number)"
            ),
            file=str(path),
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
    if threshold is None:
        threshold = settings.threshold
    if not 0.0 < threshold < 1.0:
        raise QantarError(
            N_("threshold %(threshold)s must lie strictly between 0 and 1"), threshold=threshold
        )
    with _backend.session(settings, project.runs_dir, in_memory=project.encrypted) as engine:
        return _run(project, engine, seed, threshold, truth, charts, say)


def _run(
    project: Project,
    link_backend: _backend.Backend,
    seed: int,
    threshold: float,
    truth: Path | None,
    charts: Path | None,
    say: Progress,
) -> LinkResult:
    settings = _link_settings(project)
    backend = settings.backend
    engine = project.engine
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    say("computing record features")
    _features.refresh(engine, project.settings.case.start_year, project.gazetteer)
    features = _features.load(engine)
    timings["features"] = round(time.perf_counter() - t0, 2)
    if not features.num_rows:
        raise QantarError(N_("no records to link: import a list first (`qantar import FILE`)"))
    named_mask = pc.or_(
        pc.is_valid(features.column("surname_key")), pc.is_valid(features.column("given_key"))
    )
    sources = _value_counts(features.column("source"))
    named = _value_counts(features.filter(named_mask).column("source"))
    warnings: list[str] = [
        Note(
            N_(
                "source %(source)s has no names in any of its %(n)s records: they can only be "
                "linked by reviewers; check its column mapping"
            ),
            source=repr(s),
            n=n,
        )
        for s, n in sources.items()
        if not named.get(s)
    ]
    truth_ids = (
        _truth_ids(project, truth, _features.iter_records(engine)) if truth is not None else None
    )
    record_keys = dict(
        zip(
            features.column("record_id").to_pylist(),
            features.column("record_key").to_pylist(),
            strict=True,
        )
    )
    records_total = features.num_rows
    named_ids = set(features.filter(named_mask).column("record_id").to_pylist())
    # A record without a name (an unidentified body) is still compared when it has a
    # date and a place: a blocking rule offers it the persons it could be.
    placed = pc.and_(
        pc.is_valid(features.column("event_date")), pc.is_valid(features.column("place_id"))
    )
    usable = features.filter(pc.or_(named_mask, placed))
    del features
    nameless_pairs = _settings.nameless_pairs(usable)
    compare_nameless = nameless_pairs <= _settings.NAMELESS_PAIR_LIMIT
    if not compare_nameless:
        usable = usable.filter(
            pc.or_(
                pc.is_valid(usable.column("surname_key")), pc.is_valid(usable.column("given_key"))
            )
        )
        warnings.append(
            Note(
                N_(
                    "records without a name are not compared (about %(pairs)s pairs, over "
                    "%(limit)s); `qantar review` still offers those few persons fit"
                ),
                pairs=f"{nameless_pairs:,}",
                limit=f"{_settings.NAMELESS_PAIR_LIMIT:,}",
            )
        )
    broad_pairs = _settings.broad_pairs(usable)
    compare_broad = broad_pairs <= _settings.BROAD_PAIR_LIMIT
    if not compare_broad:
        say(f"rules on one name and the place left out: about {broad_pairs:,} pairs")
    t1 = time.perf_counter()
    scored: _Scored | None = None
    if len(named_ids) < 2:
        warnings.append(
            Note(
                N_(
                    "fewer than two records with a name: nothing for the model to compare; "
                    "each record is its own person until reviewers link them"
                )
            )
        )
    else:
        scored = _score(
            usable,
            seed=seed,
            backend=link_backend,
            truth_ids=truth_ids,
            named=named_ids,
            progress=say,
            nameless=compare_nameless,
            broad=compare_broad,
            year=project.settings.case.start_year,
        )
    del usable
    timings["splink"] = round(time.perf_counter() - t1, 2)
    pairs = scored.pairs if scored else []
    t2 = time.perf_counter()
    say("clustering")
    linkage = settings.linkage
    nameless = {r for r in record_keys if r not in named_ids}
    outcome = _cluster(engine, record_keys, pairs, threshold, linkage, nameless)
    clustering, ids = outcome.clustering, outcome.ids
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
        records=records_total,
        sources=sources,
        candidate_pairs=scored.candidate_pairs if scored else 0,
        pairs_per_rule=scored.per_rule if scored else [],
        scored_pairs=len(pairs),
        linked_pairs=sum(1 for p in pairs if p[2] >= threshold),
        persons=len(clustering.clusters),
        weak_clusters=sum(1 for c in clustering.clusters if c.weak),
        awaiting_review=0,  # counted once persons are stored: _awaiting_review
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
            Note(
                N_(
                    "the model agrees with only %(agree)s of %(scored)s reviewed pairs: check "
                    "the column mapping of the sources, or review more pairs"
                ),
                agree=check["agree"],
                scored=check["scored"],
            )
        )
    if clustering.conflicts:
        warnings.append(
            Note(
                N_(
                    "%(n)s reviewed match(es) contradict reviewed non-matches and were not "
                    "merged: review them again"
                ),
                n=len(clustering.conflicts),
            )
        )
    t3 = time.perf_counter()
    say("storing pairs and persons")
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
        if scored is not None:
            for batch in _explained_pairs(scored, run_id):
                bulk_insert(conn, link_pairs, PAIR_COLUMNS, batch, json_columns=("explain",))
    result.run_id = int(run_id)
    store_persons(engine, result.run_id, clustering.clusters, ids, record_keys)
    result.awaiting_review = _awaiting_review(engine)
    timings["store"] = round(time.perf_counter() - t3, 2)
    if truth_ids is not None:
        label = {m: pid for c, pid in zip(clustering.clusters, ids, strict=True) for m in c.members}
        result.truth = measures(label, truth_ids)
    if charts is not None and scored is not None:
        _write_charts(scored, charts)
    with engine.begin() as conn:
        conn.execute(
            link_runs.update().where(link_runs.c.id == run_id).values(summary=result.to_dict())
        )
    if scored is not None:
        (run_dir / "summary.json").write_text(
            json.dumps(result.to_dict(), indent=1, default=str), encoding="utf-8"
        )
    return result


def _value_counts(column: pa.ChunkedArray) -> dict[str, int]:
    """Value → count, in order of first appearance."""
    counts = pc.value_counts(column).to_pylist()
    return {str(c["values"]): int(c["counts"]) for c in counts}


def _write_charts(scored: _Scored, out: Path) -> None:
    """The model's charts: aggregates only (m and u per comparison level, match weights),
    never a record's values, so no chart carries a name. Vega's JavaScript is inlined from
    the installed Splink: a chart opened offline loads nothing from a CDN."""
    out.mkdir(parents=True, exist_ok=True)
    linker = scored.linker
    charts = {
        "match_weights.html": linker.visualisations.match_weights_chart(),
        "m_u_parameters.html": linker.visualisations.m_u_parameters_chart(),
    }
    for name, chart in charts.items():
        chart.save(str(out / name), inline=True)


def _review_check(
    pairs: list[tuple[int, int, float]],
    matches: list[tuple[int, int]],
    non_matches: list[tuple[int, int]],
    threshold: float,
) -> dict[str, int] | None:
    """Reviewers' decisions against the model's scores for the same pairs."""
    if not matches and not non_matches:
        return None
    wanted = {(min(a, b), max(a, b)) for a, b in [*matches, *non_matches]}
    score = {(a, b): p for a, b, p in pairs if (a, b) in wanted}
    agree = scored = 0
    for decided, is_match in ((matches, True), (non_matches, False)):
        for a, b in decided:
            p = score.get((min(a, b), max(a, b)))
            if p is None:
                continue
            scored += 1
            agree += (p >= threshold) == is_match
    return {"decisions": len(matches) + len(non_matches), "scored": scored, "agree": agree}


def _awaiting_review(engine: Engine) -> int:
    # The review queue's own count, so that `link`, `review` and the report agree.
    from qantar.link._review import _awaiting_review as count

    return count(engine)


def latest_run_id(engine: Engine) -> int | None:
    from sqlalchemy import func, select

    with engine.connect() as conn:
        value = conn.execute(select(func.max(link_runs.c.id))).scalar()
    return int(value) if value is not None else None


def last_run(engine: Engine) -> dict[str, Any] | None:
    """The latest link run's id, seed, threshold, backend and time (None before any)."""
    from sqlalchemy import select

    with engine.connect() as conn:
        row = conn.execute(select(link_runs).order_by(link_runs.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    return {
        "run_id": row.id,
        "seed": row.seed,
        "threshold": row.threshold,
        "backend": row.backend,
        "created_at": str(row.created_at),
    }


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
        raise QantarError(N_("no link run yet: run `qantar link` first"))
    with engine.connect() as conn:
        run_row = conn.execute(select(link_runs).where(link_runs.c.id == run_id)).one()
        pairs = stored_pairs(conn)
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
        awaiting_review=_awaiting_review(engine),
        decisions_applied=len(outcome.matches) + len(outcome.non_matches),
        conflicts=len(outcome.clustering.conflicts),
        cut_edges=outcome.clustering.cut_edges,
        held_apart=outcome.clustering.held_apart,
        linked_pairs=sum(1 for p in pairs if p[2] >= threshold),
        truth=None,
    )
    # the run's warnings, worded again where their words were saved
    summary["warnings"] = load_notes(summary.get("warnings", []), summary.get("warning_words"))
    fields = LinkResult.__dataclass_fields__
    result = LinkResult(**{k: v for k, v in summary.items() if k in fields})
    result.run_id = run_id
    return result


def evaluate(project: Project, truth: Path) -> dict[str, float | int]:
    """Pairwise and cluster measures of the current persons against a truth CSV."""
    from sqlalchemy import select

    from qantar.link._tables import person_records

    truth_ids = _truth_ids(project, truth, _features.iter_records(project.engine))
    with project.engine.connect() as conn:
        label = dict(
            conn.execute(select(person_records.c.record_id, person_records.c.person_id)).all()
        )
    if not label:
        raise QantarError(N_("no persons yet: run `qantar link` first"))
    return measures(label, truth_ids)
