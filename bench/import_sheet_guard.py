"""What measuring a workbook before reading it costs: CPU of ``inspect_workbook`` (the
zip's unpacked size, the sheet's grid) against python-calamine reading the same sheet.

    PYTHONPATH=src python bench/import_sheet_guard.py [--rows 100000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from qantar.ingest import ReadLimits
from qantar.ingest._sheets import inspect_workbook

SURNAMES = ["Ахметов", "Ким", "Иванов", "Серикбаев", "Нұрланов", "Бондаренко", "Оспанов"]
PLACES = ["г. Алматы", "Алма-Ата", "Талдыкорган", "Жанаозен", "Шымкент", "Тараз"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.xlsx"
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(["№", "ФИО", "Пол", "Дата рождения", "Дата гибели", "Место", "Статус"])
        for i in range(args.rows):
            sheet.append([i + 1, rng.choice(SURNAMES), rng.choice("МЖ"),
                          f"{rng.randint(1, 28):02d}.03.19{rng.randint(50, 99)}", "05.01.2022",
                          rng.choice(PLACES), "погиб"])  # fmt: skip
        book.save(path)
        started = time.process_time()
        facts = inspect_workbook(path, "xlsx", None, ReadLimits())
        measured = time.process_time() - started
        started = time.process_time()
        workbook = CalamineWorkbook.from_path(str(path))
        rows = sum(1 for _ in workbook.get_sheet_by_name(workbook.sheet_names[0]).iter_rows())
        read = time.process_time() - started
        print(f"{path.stat().st_size / 1e6:.1f} MB XLSX, {rows} rows; grid {facts.rows} x "
              f"{facts.columns}")  # fmt: skip
        print(f"CPU: inspect_workbook {measured:.2f} s, python-calamine read {read:.2f} s, "
              f"ratio {measured / read:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
