"""A verify report names the items that failed, so no caller rebuilds the object layout."""

from __future__ import annotations

from pathlib import Path

from qantar import Project
from qantar.evidence import add, verify
from qantar.evidence._objects import object_path


def test_failed_items_are_the_damaged_ones(project: Project, tmp_path: Path) -> None:
    files = []
    for i in range(2):
        f = tmp_path / f"f{i}.txt"
        f.write_text(f"item {i}")
        files.append(f)
    shas = [r.sha256 for r in add(project, files)]
    assert verify(project, record=False).failed_items() == set()
    object_path(project.evidence_dir / "objects", shas[1]).unlink()
    report = verify(project, record=False)
    assert report.failed_items() == {shas[1]}
