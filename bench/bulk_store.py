"""The store's bulk writes on SQLite and on a throw-away local PostgreSQL server.

1. Link-pair rows (JSON explanations included) by ``qantar.store.bulk.bulk_insert``: the
   fast path (executemany on SQLite, COPY on PostgreSQL) against the portable Core path,
   measured in the same run as the anchor.
2. ``store_persons`` on a synthetic project: the first run (every person new) and a re-run
   (every person kept, updated by one statement); the ratio re-run / first run.

    PYTHONPATH=src python bench/bulk_store.py [--pairs 112000] [--persons 50000]

The PostgreSQL part needs the server binaries (``initdb``, ``pg_ctl``) and psycopg; the
cluster runs with ``fsync=off`` like the tests (the data is thrown away).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Column, Engine, Float, Integer, MetaData, Table, insert, select

from qantar import Project
from qantar.link._cluster import Cluster
from qantar.link._persons import assign_ids, store_persons
from qantar.link._tables import link_runs
from qantar.store import connect, records
from qantar.store.bulk import bulk_insert, method

# Synthetic people only: the bench projects' keys need a passphrase all the same.
BENCH_PASSPHRASE = "qantar bench"

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "store"), str(ROOT / "tests" / "link")]

PAIR_COLUMNS = ("run_id", "record_id_l", "record_id_r", "match_probability", "match_weight",
                "explain")  # fmt: skip


def _pairs(n: int) -> list[tuple[Any, ...]]:
    rng = random.Random(1)
    explain = {"surname": ["exact", 3.2], "birth": ["year only", 1.1], "place": ["missing", 0.0]}
    return [(1, i, i + 1, rng.random(), rng.uniform(-10, 10), explain) for i in range(n)]


def _pair_table(name: str) -> Table:
    return Table(
        name,
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("run_id", Integer),
        Column("record_id_l", Integer),
        Column("record_id_r", Integer),
        Column("match_probability", Float),
        Column("match_weight", Float),
        Column("explain", JSON),
    )


def pairs_bench(engine: Engine, label: str, n: int) -> None:
    rows = _pairs(n)
    seconds: dict[str, float] = {}
    for how in (None, "core"):
        table = _pair_table(f"bench_pairs_{how or 'fast'}")
        table.create(engine)
        started = time.perf_counter()
        with engine.begin() as conn:
            name = how or method(conn)
            for i in range(0, n, 50_000):
                bulk_insert(conn, table, PAIR_COLUMNS, rows[i : i + 50_000],
                            json_columns=("explain",), how=how)  # fmt: skip
        seconds[name] = time.perf_counter() - started
        print(f"  {label} pairs by {name}: {n:,} in {seconds[name]:.2f} s "
              f"({n / seconds[name]:,.0f} rows/s)", flush=True)  # fmt: skip
    fast = next(k for k in seconds if k != "core")
    print(f"  {label} pairs: {fast} is {seconds['core'] / seconds[fast]:.1f}x the Core path")


def _new_run(engine: Engine) -> int:
    with engine.begin() as conn:
        inserted = conn.execute(
            insert(link_runs).values(created_at=dt.datetime.now(dt.UTC), seed=1, threshold=0.5,
                                     backend="duckdb", summary={})
        ).inserted_primary_key  # fmt: skip
    assert inserted is not None
    return int(inserted[0])


def persons_bench(project: Project, label: str, n: int) -> None:
    import link_scenario

    link_scenario.store(project, link_scenario.generate(n, seed=1))
    engine = project.engine
    with engine.connect() as conn:
        ids = list(conn.execute(select(records.c.id).order_by(records.c.id)).scalars())
    keys = {r: f"key-{r}" for r in ids}
    # Persons of two records each: what a re-run of a linked project mostly keeps.
    clusters = [Cluster(tuple(ids[i : i + 2]), 1.0, False) for i in range(0, len(ids), 2)]
    seconds = []
    for _step in ("first", "re-run"):
        run_id = _new_run(engine)
        started = time.perf_counter()
        store_persons(engine, run_id, clusters, assign_ids(engine, clusters, keys), keys)
        seconds.append(time.perf_counter() - started)
    print(f"  {label} persons: {len(ids):,} records, {len(clusters):,} persons: first run "
          f"{seconds[0]:.2f} s, re-run {seconds[1]:.2f} s "
          f"(ratio {seconds[1] / seconds[0]:.1f}x)", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=112_000, help="pair rows to insert")
    parser.add_argument("--persons", type=int, default=50_000, help="persons in the scenario")
    args = parser.parse_args()
    from pg_server import ServerUnavailable, cluster

    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite")
        engine = connect(f"sqlite:///{Path(tmp) / 'pairs.db'}")
        pairs_bench(engine, "sqlite", args.pairs)
        engine.dispose()
        project = Project.init(Path(tmp) / "lite", passphrase=BENCH_PASSPHRASE)
        persons_bench(project, "sqlite", args.persons)
        project.close()
        print("PostgreSQL")
        try:
            with cluster() as server:
                engine = connect(server.url(server.create_database()))
                pairs_bench(engine, "postgresql", args.pairs)
                engine.dispose()
                project = Project.init(
                    Path(tmp) / "pg",
                    database=server.url(server.create_database()),
                    passphrase=BENCH_PASSPHRASE,
                )
                persons_bench(project, "postgresql", args.persons)
                project.close()
        except ServerUnavailable as exc:
            print(f"  skipped: {exc}")


if __name__ == "__main__":
    main()
