"""Batches: a new source created by two imports at once, the same list imported twice
(found by its rows, not its bytes), and taking an import back."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from qantar import Project
from qantar.ingest import import_file
from qantar.store import sources


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
