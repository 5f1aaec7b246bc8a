from __future__ import annotations

from pathlib import Path

import pytest

from qantar import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A fresh real project folder with a real SQLite database."""
    p = Project.init(tmp_path / "case")
    yield p
    p.close()
