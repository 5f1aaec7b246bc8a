from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import inspect

from qantar import Project, ProjectNotFoundError, QantarError


def test_init_creates_folder_database_and_key(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "case")
    root = tmp_path / "case"
    assert (root / "qantar.toml").is_file()
    assert (root / "qantar.db").is_file()
    assert (root / "evidence" / "objects").is_dir()
    assert (root / "runs").is_dir()
    mode = stat.S_IMODE(project.private_key_path.stat().st_mode)
    assert mode == 0o600
    tables = set(inspect(project.engine).get_table_names())
    assert {"sources", "import_batches", "raw_rows", "records", "quarantine"} <= tables
    assert "alembic_version" in tables
    project.close()


def test_init_refuses_existing_project(tmp_path: Path) -> None:
    Project.init(tmp_path / "case").close()
    with pytest.raises(QantarError, match="already holds"):
        Project.init(tmp_path / "case")


def test_open_finds_project_from_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Project.init(tmp_path / "case").close()
    sub = tmp_path / "case" / "runs"
    monkeypatch.chdir(sub)
    assert Project.open().root == (tmp_path / "case").resolve()


def test_open_without_project_says_so(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFoundError, match="qantar init"):
        Project.open(tmp_path)


def test_database_path_is_relative_to_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Project.init(tmp_path / "case").close()
    monkeypatch.chdir(tmp_path)
    project = Project.open(tmp_path / "case")
    assert project.database_url == f"sqlite:///{(tmp_path / 'case' / 'qantar.db').resolve()}"
