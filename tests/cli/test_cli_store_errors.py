"""#16.4, #16.6, #16.9: a locked, vanished, damaged or full database is one plain line,
and neither a name nor a consent note from the SQL parameters reaches the person."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from _cli import SRC, run_cli_process
from sqlalchemy import insert

from qantar import Project
from qantar.errors import StoreError
from qantar.publish._tables import publication_decisions

MARKER = "Канареечкин"
PHONE = "+7 701 555 0199"
DECIDER = "Жасырынова Айгерим"


@contextmanager
def write_lock(db: Path) -> Iterator[None]:
    """A second connection holding a write transaction: what another qantar process does."""
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("CREATE TABLE lock_holder (x)")
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _consent_row() -> dict[str, object]:
    return {
        "person_id": "P000001",
        "record_keys": ["hotline|id:1"],
        "status": "withhold",
        "decided_by": DECIDER,
        "decided_at": dt.datetime.now(dt.UTC),
        "note": f"{MARKER}: сестра просила не публиковать, тел. {PHONE}",
    }


def test_rule_4_locked_database_error_carries_no_name(project: Project) -> None:
    project.upgrade()
    with (
        write_lock(project.root / "qantar.db"),
        pytest.raises(StoreError) as caught,
        project.engine.begin() as conn,
    ):
        conn.execute(insert(publication_decisions).values(**_consent_row()))
    whole = "".join(traceback.format_exception(caught.value))
    assert "locked" in str(caught.value)
    for secret in (MARKER, PHONE, DECIDER):
        assert secret not in whole
    # Nothing was stored, and the database works once the lock is gone.
    with project.engine.begin() as conn:
        conn.execute(insert(publication_decisions).values(**_consent_row()))


def test_rule_4_locked_database_in_the_cli_is_one_line(project: Project, tmp_path: Path) -> None:
    listing = tmp_path / "list.csv"
    listing.write_text(f"№;ФИО;Телефон\n1;{MARKER} Нурлан;{PHONE}\n", encoding="utf-8")
    root = project.root
    project.close()
    with write_lock(root / "qantar.db"):
        done = run_cli_process(root, "import", str(listing), "--source", "s", cwd=tmp_path)
    assert done.exit_code == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "locked" in lines[0], done.stderr
    for secret in (MARKER, PHONE):
        assert secret not in done.stderr + done.stdout


def test_rule_6_deleted_database_is_refused(tmp_path: Path) -> None:
    Project.init(tmp_path / "case").close()
    (tmp_path / "case" / "qantar.db").unlink()
    with pytest.raises(StoreError, match="missing"):
        Project.open(tmp_path / "case").upgrade()
    assert not (tmp_path / "case" / "qantar.db").exists()  # not recreated empty
    done = run_cli_process(tmp_path / "case", "status", cwd=tmp_path)
    assert done.exit_code == 2
    assert "missing" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "case" / "qantar.db").exists()


def test_rule_6_zero_length_database_is_refused(tmp_path: Path) -> None:
    Project.init(tmp_path / "case").close()
    (tmp_path / "case" / "qantar.db").write_bytes(b"")
    with pytest.raises(StoreError, match="empty"):
        Project.open(tmp_path / "case").upgrade()
    assert (tmp_path / "case" / "qantar.db").stat().st_size == 0


def test_rule_6_half_truncated_database_is_a_clear_message(tmp_path: Path) -> None:
    Project.init(tmp_path / "case").close()
    db = tmp_path / "case" / "qantar.db"
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError, match="damaged"):
        Project.open(tmp_path / "case").upgrade()
    done = run_cli_process(tmp_path / "case", "status", cwd=tmp_path)
    assert done.exit_code == 2
    assert done.stderr.startswith("error: the database file is damaged"), done.stderr
    assert "Traceback" not in done.stderr


@contextmanager
def small_disk(folder: Path) -> Iterator[bool]:
    """A 600 KB tmpfs at ``folder`` when this process may mount one (yields True), else
    nothing (False: the caller limits file sizes instead)."""
    folder.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(folder)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], capture_output=True, check=False)


def test_rule_9_full_disk_is_one_line(project: Project, tmp_path: Path) -> None:
    listing = tmp_path / "big.csv"
    rows = "".join(f"{i};{MARKER}ов Нурлан {i};05.01.2022;г. Алматы\n" for i in range(1, 6001))
    listing.write_text("№;ФИО;Дата гибели;Место гибели\n" + rows, encoding="utf-8")
    with small_disk(tmp_path / "disk") as mounted:
        root = tmp_path / "disk" / "case"
        Project.init(root).close()
        before = (root / "qantar.db").read_bytes()
        if mounted:
            prefix: list[str] = []
        else:
            # No tmpfs here: a file size limit stands in for the full disk.
            limit = len(before) + 200_000
            prefix = [
                sys.executable,
                "-c",
                "import resource, signal, runpy, sys; "
                "signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
                f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); "
                "sys.argv = ['qantar', *sys.argv[1:]]; "
                "runpy.run_module('qantar', run_name='__main__')",
            ]
        args = ["-p", str(root), "import", str(listing), "--source", "s"]
        env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200"}
        cmd = [*prefix, *args] if prefix else [sys.executable, "-m", "qantar", *args]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 2, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert "full" in lines[0] or "could not be written" in lines[0]
        assert MARKER not in done.stderr
        # The registry as it was before the failed import is still there and opens.
        reopened = Project.open(root)
        reopened.upgrade()
        reopened.close()
