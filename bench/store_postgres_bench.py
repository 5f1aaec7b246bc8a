"""The registry on PostgreSQL beside SQLite: the same import and the same link run on both,
in one run, on a throw-away local cluster with the server's default durability (fsync on).

Anchor: the SQLite time of the same step; the ratio PostgreSQL / SQLite is what to compare
between machines. A real team server adds network round trips that a local socket does not.

    PYTHONPATH=src python bench/store_postgres_bench.py [--rows 200000] [--persons 1000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from import_bench import generate

from qantar import Project
from qantar.ingest import import_file
from qantar.link import run
from qantar.synth import ScenarioConfig, write_scenario
from qantar.synth import generate as scenario

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "store"))
from pg_server import cluster  # the test suite's throw-away cluster

# Synthetic people only: the bench projects' keys need a passphrase all the same.
BENCH_PASSPHRASE = "qantar bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--persons", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, cluster(fsync=True) as server:
        data = Path(tmp) / "list.csv"
        generate(data, args.rows, args.seed)
        sc = scenario(ScenarioConfig(n=args.persons), seed=args.seed)
        paths = write_scenario(sc, Path(tmp) / "lists")
        seconds: dict[str, dict[str, float]] = {}
        for label in ("sqlite", "postgresql"):

            def new_project(name: str, label: str = label) -> Project:
                url = server.url(server.create_database()) if label == "postgresql" else None
                return Project.init(
                    Path(tmp) / f"{label}-{name}", database=url, passphrase=BENCH_PASSPHRASE
                )

            project = new_project("import")
            started = time.perf_counter()
            result = import_file(project, data, source="bench", kind="ngo")
            imported = time.perf_counter() - started
            assert result.rows_read == args.rows
            project.close()
            project = new_project("link")
            for name, source_list in sc.lists.items():
                import_file(project, paths[name], source=name, kind=source_list.spec.kind)
            started = time.perf_counter()
            linked = run(project, seed=args.seed)
            seconds[label] = {"import": imported, "link": time.perf_counter() - started}
            print(
                f"{label}: import {imported:.2f} s ({args.rows / imported:,.0f} rows/s); "
                f"link of {linked.records:,} records into {linked.persons:,} persons "
                f"{seconds[label]['link']:.2f} s"
            )
            project.close()
        for step in ("import", "link"):
            ratio = seconds["postgresql"][step] / seconds["sqlite"][step]
            print(f"ratio PostgreSQL / SQLite, {step}: {ratio:.2f}x")


if __name__ == "__main__":
    main()
