"""Replicas and fixity (EI-16): a corrupted copy is named and restored from a good one."""

from __future__ import annotations

import os
from pathlib import Path

from qantar import Project
from qantar.evidence import add, fixity, replicate, verify
from qantar.evidence._objects import object_path


def test_corrupt_replica_is_named_and_restored(project: Project, tmp_path: Path) -> None:
    files = []
    for i in range(3):
        f = tmp_path / f"f{i}.txt"
        f.write_text(f"item {i}")
        files.append(f)
    shas = [r.sha256 for r in add(project, files)]
    replica = tmp_path / "second-disk"
    assert replicate(project, [replica]) == 3
    assert replicate(project, [replica]) == 0
    assert fixity(project, [replica]).ok

    bad = object_path(replica, shas[1])
    os.chmod(bad, 0o644)
    bad.write_text("item X")
    report = fixity(project, [replica])
    assert not report.ok
    assert report.drift == [{"file": str(bad), "problem": "content changed"}]
    assert report.restored[0]["file"] == str(bad)
    assert bad.read_text() == "item 1"
    assert list((replica / "quarantine").iterdir())  # the damaged copy is kept aside
    assert fixity(project, [replica]).ok


def test_damaged_primary_restored_from_replica(project: Project, tmp_path: Path) -> None:
    f = tmp_path / "f.txt"
    f.write_text("original bytes")
    [r] = add(project, [f])
    replica = tmp_path / "replica"
    replicate(project, [replica])
    primary = object_path(project.evidence_dir / "objects", r.sha256)
    primary.unlink()
    assert not verify(project, record=False).ok
    report = fixity(project, [replica])
    assert report.drift == [{"file": str(primary), "problem": "missing"}]
    assert primary.read_text() == "original bytes"
    assert verify(project).ok


def test_no_good_copy_is_reported_unrecoverable(project: Project, tmp_path: Path) -> None:
    f = tmp_path / "f.txt"
    f.write_text("only copy")
    [r] = add(project, [f])
    replica = tmp_path / "replica"
    replicate(project, [replica])
    for store in (project.evidence_dir / "objects", replica):
        object_path(store, r.sha256).unlink()
    report = fixity(project, [replica])
    assert len(report.unrecoverable) == 2 and not report.restored
