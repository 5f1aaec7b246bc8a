"""#16.9: values SQLite accepted that PostgreSQL would refuse (JSON 1e400, NUL characters)
are carried by `db move` or refused naming table, row and column, never the value."""

from __future__ import annotations

from pathlib import Path

import pytest
from _cli import run_cli_process
from pg_server import pg_server, pg_url  # noqa: F401  (fixtures)
from sqlalchemy import create_engine, text

from qantar import Project
from qantar.errors import QantarError
from qantar.ingest import import_file
from qantar.store.move import copy_database

MARKER = "Канареечкин"
SRC = Path(__file__).resolve().parents[2] / "src"


def _project(tmp_path: Path) -> Project:
    project = Project.init(tmp_path / "case")
    listing = tmp_path / "list.csv"
    listing.write_text(f"№;ФИО\n1;{MARKER} Нурлан\n2;Ахметов Ерлан\n", encoding="utf-8")
    import_file(project, listing, source="s", kind="ngo")
    return project


def _set(project: Project, table: str, column: str, value: str) -> None:
    with project.engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET {column} = :v WHERE id = 1"), {"v": value})


def _stored_text(url: str, table: str, column: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return str(
                conn.execute(
                    text(f"SELECT CAST({column} AS TEXT) FROM {table} WHERE id = 1")
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_rule_9_json_1e400_and_escaped_nul_are_carried(
    tmp_path: Path,
    pg_url: str,  # noqa: F811
) -> None:
    project = _project(tmp_path)
    cells = f'["1","{MARKER}\\u0000",1e400]'
    _set(project, "raw_rows", "cells", cells)
    _set(project, "import_batches", "headers", "[1e400]")
    copied = copy_database(project.engine, pg_url)
    assert copied["raw_rows"] == 2
    assert _stored_text(pg_url, "raw_rows", "cells") == cells
    assert _stored_text(pg_url, "import_batches", "headers") == "[1e400]"


def test_rule_9_nul_in_text_is_refused_naming_where(
    tmp_path: Path,
    pg_url: str,  # noqa: F811
) -> None:
    project = _project(tmp_path)
    _set(project, "records", "name_raw", f"{MARKER}\x00 Нурлан")
    with pytest.raises(QantarError) as refused:
        copy_database(project.engine, pg_url)
    message = str(refused.value)
    assert "table records" in message and "id 1" in message and "column name_raw" in message
    assert MARKER not in message and "NUL" in message
    assert _count(pg_url, "records") == 0


def test_rule_9_server_refusal_names_row_and_column_not_value(
    tmp_path: Path,
    pg_url: str,  # noqa: F811
) -> None:
    project = _project(tmp_path)
    _set(project, "raw_rows", "cells", f'["1", "{MARKER} Нурлан", ')  # cut short: not JSON
    with pytest.raises(QantarError) as refused:
        copy_database(project.engine, pg_url)
    message = str(refused.value)
    assert "table raw_rows" in message and "id 1" in message and "column cells" in message
    assert MARKER not in message and "Нурлан" not in message
    assert _count(pg_url, "raw_rows") == 0


def test_rule_4_failed_cli_move_prints_no_name(
    tmp_path: Path,
    pg_url: str,  # noqa: F811
) -> None:
    project = _project(tmp_path)
    _set(project, "raw_rows", "cells", f'["1", "{MARKER} Нурлан", ')
    root = project.root
    project.close()
    done = run_cli_process(root, "db", "move", "--to", pg_url, env={"COLUMNS": "300"})
    assert done.exit_code == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "raw_rows" in done.stderr and MARKER not in done.stderr + done.stdout


def _count(url: str, table: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()
