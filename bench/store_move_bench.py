"""Moving a project's registry from SQLite to PostgreSQL (`qantar db move`), timed against
importing the same list into SQLite in the same run (the anchor).

    PYTHONPATH=src python -W ignore bench/store_move_bench.py --rows 100000

Starts a throw-away PostgreSQL cluster (tests/store/pg_server.py; needs the server binaries
and, as root, the `postgres` user) with the server's default fsync.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from qantar import Project
from qantar.ingest import import_file
from qantar.store import move_project

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "store"))
from pg_server import cluster  # the test helper that starts a cluster

# Synthetic people only: the bench projects' keys need a passphrase all the same.
BENCH_PASSPHRASE = "qantar bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp())
    try:
        csv = base / "list.csv"
        with csv.open("w", encoding="utf-8") as handle:
            handle.write("№;ФИО;Дата гибели;Место\n")
            for i in range(args.rows):
                handle.write(f"{i};Сейтов Арман {i};05.01.2022;Жанаозен\n")
        project = Project.init(base / "case", passphrase=BENCH_PASSPHRASE)
        started = time.perf_counter()
        import_file(project, csv, source="list", kind="ngo")
        imported = time.perf_counter() - started
        with cluster(fsync=True) as server:
            url = server.url(server.create_database())
            started = time.perf_counter()
            result = move_project(project, url)
            moved = time.perf_counter() - started
        project.close()
        rows = sum(result.rows.values())
        print(f"import into SQLite (anchor): {args.rows:,} list rows in {imported:.1f} s")
        print(
            f"move to PostgreSQL: {rows:,} table rows in {moved:.1f} s ({rows / moved:,.0f} rows/s)"
        )
        print(f"ratio move / import: {moved / imported:.1f}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
