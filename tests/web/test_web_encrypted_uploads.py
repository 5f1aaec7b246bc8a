"""An encrypted project's web app keeps uploads off the disk: Starlette spools a large
form part to the default temporary folder, which the app points at memory-backed storage."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_fixtures import SETTINGS

from qantar import Project
from qantar.link._backend import memory_scratch_root
from qantar.web import create_app


@pytest.fixture
def restore_tempdir() -> Iterator[None]:
    before = tempfile.tempdir
    yield
    tempfile.tempdir = before


def test_an_encrypted_projects_uploads_spool_to_memory(
    tmp_path: Path, restore_tempdir: None
) -> None:
    project = Project.init(tmp_path / "case", encrypted=True)
    tempfile.tempdir = str(tmp_path / "disk")
    create_app(project, SETTINGS)
    assert Path(tempfile.gettempdir()) == memory_scratch_root()
    with tempfile.NamedTemporaryFile() as scratch:
        assert Path(scratch.name).parent == memory_scratch_root()


def test_a_plain_project_leaves_the_temporary_folder_alone(
    tmp_path: Path, restore_tempdir: None
) -> None:
    project = Project.init(tmp_path / "case")
    tempfile.tempdir = str(tmp_path)
    create_app(project, SETTINGS)
    assert tempfile.gettempdir() == str(tmp_path)
