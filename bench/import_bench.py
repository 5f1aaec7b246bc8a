"""Import a generated 1,000,000-row CSV and print rows/s and peak memory.

Anchor, measured in the same run: the time Python's csv module takes merely to read the
same file. The ratio (import time / read time) is what to compare between machines.

    PYTHONPATH=src python bench/import_bench.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from qantar import Project
from qantar.ingest import import_file

# Synthetic people only: the bench projects' keys need a passphrase all the same.
BENCH_PASSPHRASE = "qantar bench"

SURNAMES = ["Ахметов", "Ким", "Иванов", "Серикбаев", "Нұрланов", "Бондаренко", "Оспанов"]
GIVEN = ["Нурлан", "Айгуль", "Марат", "Динара", "Қайрат", "Сергей", "Асель", "Тимур"]
PLACES = ["г. Алматы", "Алма-Ата", "Талдыкорган", "Жанаозен", "Шымкент", "Тараз", "с. Кеген"]
STATUS = ["погиб", "задержан", "ранен", "пропал без вести", "пытки"]


def generate(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(
            ["№", "Фамилия", "Имя", "Пол", "Дата рождения", "Возраст", "Дата", "Место",
             "Статус", "Примечание"]
        )  # fmt: skip
        for i in range(1, rows + 1):
            year = rng.randint(1950, 2005)
            writer.writerow(
                [
                    i,
                    rng.choice(SURNAMES),
                    rng.choice(GIVEN),
                    rng.choice("МЖ"),
                    f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{year}",
                    2022 - year,
                    f"{rng.randint(4, 11):02d}.01.2022",
                    rng.choice(PLACES),
                    rng.choice(STATUS),
                    "" if rng.random() < 0.8 else "свидетель: соседи",
                ]
            )


def peak_rss_mib() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "list.csv"
        generate(data, args.rows, args.seed)
        size_mib = data.stat().st_size / 2**20
        baseline_rss = peak_rss_mib()

        started = time.perf_counter()
        cpu = time.process_time()
        with data.open(encoding="utf-8", newline="") as handle:
            read = sum(1 for _ in csv.reader(handle, delimiter=";")) - 1
        anchor = time.perf_counter() - started
        anchor_cpu = time.process_time() - cpu

        project = Project.init(Path(tmp) / "case", passphrase=BENCH_PASSPHRASE)
        started = time.perf_counter()
        cpu = time.process_time()
        main_cpu = time.thread_time()
        result = import_file(project, data, source="bench", kind="ngo")
        seconds = time.perf_counter() - started
        seconds_cpu = time.process_time() - cpu
        main_seconds = time.thread_time() - main_cpu
        writer_seconds = seconds_cpu - main_seconds
        project.close()
        assert result.rows_read == read == args.rows
        assert result.rows_stored + result.rows_quarantined == result.rows_read
        print(f"file: {args.rows:,} rows, {size_mib:.0f} MiB (seed {args.seed})")
        print(f"anchor: csv.reader reads it in {anchor:.2f} s ({read / anchor:,.0f} rows/s)")
        print(
            f"import: {seconds:.2f} s, {result.rows_read / seconds:,.0f} rows/s "
            f"({result.rows_stored:,} stored, {result.rows_quarantined:,} quarantined, "
            f"{result.fields_quarantined:,} field problems)"
        )
        print(
            f"CPU time (what this process used; the machine is shared): anchor {anchor_cpu:.2f} s, "
            f"import {seconds_cpu:.2f} s = {result.rows_read / seconds_cpu:,.0f} rows/s"
        )
        print(
            f"CPU by thread: reading and parsing {main_seconds:.2f} s, SQLite writer "
            f"{writer_seconds:.2f} s; the two overlap, so on two idle cores the wall time is "
            f"about the larger: {result.rows_read / max(main_seconds, writer_seconds):,.0f} rows/s"
        )
        print(
            f"ratio import / csv read: {seconds / anchor:.1f}x wall, "
            f"{seconds_cpu / anchor_cpu:.1f}x CPU"
        )
        print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"peak RSS: {peak_rss_mib():.0f} MiB (before import: {baseline_rss:.0f} MiB)")


if __name__ == "__main__":
    main()
