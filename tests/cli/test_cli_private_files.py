"""#16.5: a project is the owner's alone, and a failed init leaves nothing behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from _cli import run_cli_process

import qantar.cli as cli
from qantar import Project, QantarError

SRC = Path(__file__).resolve().parents[2] / "src"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_rule_5_init_makes_everything_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # a usual umask: the library must not rely on the CLI's
    try:
        project = Project.init(tmp_path / "case")
        with project.engine.connect():  # -wal and -shm exist while a connection is open
            files = [p for p in (tmp_path / "case").rglob("*")]
            assert any(p.name == "qantar.db-wal" for p in files)
            for path in [tmp_path / "case", *files]:
                expected = 0o700 if path.is_dir() else 0o600
                assert mode(path) == expected, path
        project.close()
    finally:
        os.umask(old)


def test_rule_5_cli_files_made_later_are_private(tmp_path: Path) -> None:
    case = tmp_path / "case"
    done = run_cli_process(None, "init", str(case))
    assert done.exit_code == 0, done.stderr
    listing = tmp_path / "list.csv"
    listing.write_text("№;ФИО\n1;Ахметов Нурлан\n", encoding="utf-8")
    out = tmp_path / "records.csv"
    for args in (
        ("import", str(listing), "--source", "s"),
        ("records", "--format", "csv"),
    ):
        done = run_cli_process(case, *args)
        assert done.exit_code == 0, done.stderr
    out.write_text(done.stdout)
    for path in [case, *case.rglob("*")]:
        assert mode(path) & 0o077 == 0, path


def test_rule_5_failed_init_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(QantarError, match="cannot connect"):
        Project.init(
            tmp_path / "new" / "case",
            database="postgresql+psycopg://qantar@127.0.0.1:1/qantar?connect_timeout=2",
        )
    assert not (tmp_path / "new").exists()
    existing = tmp_path / "mine"
    existing.mkdir()
    (existing / "notes.txt").write_text("kept")
    with pytest.raises(QantarError):
        Project.init(existing, database="postgresql+psycopg://qantar@127.0.0.1:1/qantar")
    assert sorted(p.name for p in existing.iterdir()) == ["notes.txt"]


def test_rule_4_unexpected_error_prints_no_value(capsys: pytest.CaptureFixture[str]) -> None:
    marker = "Канареечкин"
    try:
        {}[marker]
    except KeyError as exc:
        with pytest.raises(SystemExit) as exited:
            cli._unexpected(exc)
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "KeyError" in err and "QANTAR_DEBUG" in err
    assert marker not in err


def test_generated_settings_state_the_true_default_threshold(tmp_path: Path) -> None:
    """#15.15: qantar.toml said 0.9 while the code's default was 0.2."""
    import tomllib

    from qantar.link import DEFAULT_THRESHOLD

    Project.init(tmp_path / "case").close()
    text = (tmp_path / "case" / "qantar.toml").read_text(encoding="utf-8")
    (line,) = [x for x in text.splitlines() if x.lstrip("# ").startswith("threshold")]
    assert tomllib.loads(line.lstrip("# "))["threshold"] == DEFAULT_THRESHOLD
