"""Batches: a new source created by two imports at once, the same list imported twice
(found by its rows, not its bytes), and taking an import back."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from _cli import run_cli
from sqlalchemy import func, select

from qantar import Project
from qantar.errors import InputError
from qantar.ingest import import_file
from qantar.store import import_batches, raw_rows, records, sources


def write(path: Path, rows: list[str], *, newline: str = "\n") -> Path:
    text = "№,ФИО,Дата гибели,Место гибели\n" + "".join(f"{r}\n" for r in rows)
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def test_rule_9_two_imports_create_the_same_new_source_at_once(
    project: Project, tmp_path: Path
) -> None:
    files = [
        write(tmp_path / "a.csv", ["1,Ахметов Нурлан,05.01.2022,Алматы"]),
        write(tmp_path / "b.csv", ["1,Сериков Ерлан,06.01.2022,Алматы"]),
    ]
    # Hold the write lock so that both imports find no source, then both try to create it.
    blocker = sqlite3.connect(project.root / "qantar.db", timeout=30)
    blocker.execute("BEGIN IMMEDIATE")
    errors: list[BaseException] = []
    results: list[Any] = []

    def one(path: Path) -> None:
        try:
            results.append(import_file(project, path, source="new list", kind="ngo"))
        except BaseException as exc:  # handed to the test
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(f,)) for f in files]
    for t in threads:
        t.start()
    time.sleep(1.5)
    blocker.rollback()
    blocker.close()
    for t in threads:
        t.join(60)
    assert not errors, [type(e).__name__ for e in errors]
    assert len(results) == 2 and all(r.rows_stored == 1 for r in results)
    with project.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(sources)).scalar_one() == 1


PEOPLE = [
    f"{i},{name},0{5 + i % 3}.01.2022,{place}"
    for i, (name, place) in enumerate(
        [("Ахметов Нурлан", "Алматы"), ("Сериков Ерлан", "Талдыкорган"),
         ("Иванова Ольга", "Алматы"), ("Касымов Марат", "Тараз"), ("Ким Елена", "Алматы"),
         ("Оспанов Болат", "Шымкент"), ("Нуров Даулет", "Алматы"), ("Жумабаев Арман", "Тараз"),
         ("Беков Самат", "Алматы"), ("Петрова Анна", "Актобе")],
        start=1,
    )
]  # fmt: skip


def counts(project: Project) -> tuple[int, int, int]:
    with project.engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (import_batches, raw_rows, records)
        )


def as_xlsx(path: Path, rows: list[str]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["№", "ФИО", "Дата гибели", "Место гибели"])
    for row in rows:
        number, name, date, place = row.split(",")
        day, month, year = (int(x) for x in date.split("."))
        sheet.append([int(number), name, dt.datetime(year, month, day), place])
    book.save(path)
    return path


def test_same_list_saved_again_is_refused_by_its_rows(project: Project, tmp_path: Path) -> None:
    first = import_file(project, write(tmp_path / "list.csv", PEOPLE), source="hotline")
    before = counts(project)
    resaved = write(tmp_path / "list-crlf.csv", PEOPLE, newline="\r\n")
    with pytest.raises(InputError) as refused:
        import_file(project, resaved, source="hotline")
    message = str(refused.value)
    assert f"batch {first.batch_id} of source 'hotline'" in message and "--force" in message
    assert "Ахметов" not in message
    with pytest.raises(InputError, match="same list saved again"):
        import_file(project, as_xlsx(tmp_path / "list.xlsx", PEOPLE), source="hotline")
    with pytest.raises(InputError, match=f"batch {first.batch_id} of source 'hotline'"):
        import_file(project, resaved, source="press", kind="media")  # a second source name
    assert counts(project) == before
    with project.engine.connect() as conn:  # the refused import created no source
        assert conn.execute(select(func.count()).select_from(sources)).scalar_one() == 1

    dry = import_file(project, resaved, source="press", dry_run=True)
    assert dry.overlaps[0].same_list and "same list" in dry.warnings[0]
    forced = import_file(project, resaved, source="press", kind="media", force=True)
    assert forced.rows_stored == len(PEOPLE)
    assert forced.warnings[0].startswith(f"--force: {len(PEOPLE)} of this list's")
    assert forced.to_dict()["overlaps"][0]["batch_id"] == first.batch_id


def test_mostly_the_same_list_is_refused_a_little_is_reported(
    project: Project, tmp_path: Path
) -> None:
    first = import_file(project, write(tmp_path / "old.csv", PEOPLE), source="hotline")
    updated = write(tmp_path / "new.csv", [*PEOPLE, "11,Сарсенов Ерлан,07.01.2022,Алматы"])
    with pytest.raises(InputError, match=f"10 of this list's 11 rows are already in batch "
                                         f"{first.batch_id}"):  # fmt: skip
        import_file(project, updated, source="hotline")
    some = write(tmp_path / "some.csv", [*PEOPLE[:6], "11,Сарсенов Ерлан,07.01.2022,Алматы",
                                         "12,Абенов Ержан,07.01.2022,Алматы"])  # fmt: skip
    result = import_file(project, some, source="press", kind="media")
    assert result.rows_stored == 8
    (warning,) = result.warnings
    assert warning.startswith(f"6 of this list's 8 rows are also in batch {first.batch_id} of "
                              "source 'hotline'")  # fmt: skip


def test_duplicate_share_is_a_checked_setting(project: Project, tmp_path: Path) -> None:
    import_file(project, write(tmp_path / "old.csv", PEOPLE), source="hotline")
    updated = write(tmp_path / "new.csv", [*PEOPLE, "11,Сарсенов Ерлан,07.01.2022,Алматы"])
    project.settings = project.settings.updated("import", duplicate_share=0.95)
    assert import_file(project, updated, source="hotline").warnings  # 91% < 95%: reported
    # A bad value is refused when the settings are read, before anything is imported.
    with pytest.raises(InputError, match=r"qantar.toml: \[import\] duplicate_share must be"):
        project.settings.updated("import", duplicate_share="high")


def test_cli_batches_and_undo(project: Project, tmp_path: Path) -> None:
    root = str(project.root)

    def cli(*args: str, refused: bool = False) -> str:
        """The output, or the message of the error `qantar` prints in one line (exit 2)."""
        result = run_cli(root, *args)
        if refused:
            assert result.exit_code == 2 and result.stderr.startswith("error: "), result.output
            return result.stderr
        assert result.exit_code == 0, result.output
        return result.output

    path = write(tmp_path / "list.csv", PEOPLE)
    cli("import", str(path), "--source", "hotline", "--by", "Aigul")
    resaved = write(tmp_path / "list-crlf.csv", PEOPLE, newline="\r\n")
    assert "batch 1 of source 'hotline'" in cli(
        "import", str(resaved), "-s", "hotline", refused=True
    )
    listed = json.loads(cli("batches", "--format", "json"))
    assert [(b["batch_id"], b["imported_by"], b["state"]) for b in listed] == [(1, "Aigul", "live")]
    assert "--reason" in cli("import", "--undo", "1", refused=True)
    out = cli("import", "--undo", "1", "--reason", "saved twice", "--by", "Dana")
    assert "10 records left the registry" in " ".join(out.split())
    table = " ".join(cli("batches").split())
    assert "Dana" in table and "twice" in table  # the table wraps its cells
    assert json.loads(cli("status", "--format", "json"))["totals"]["records"] == 0
    # Taken back, the list may come in again (a re-save included).
    cli("import", str(resaved), "--source", "hotline")
    assert json.loads(cli("status", "--format", "json"))["totals"]["records"] == len(PEOPLE)
