"""Evidence in an encrypted project: sealed objects, the same addresses, bundles in clear."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from qantar import Project, evidence
from qantar.evidence._objects import object_path
from qantar.evidence._replicas import fixity, replicate

MARKER = "Канареечкин Жасырын Zhasyrynov"


def _picture(path: Path) -> Path:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    image.save(path, format="PNG")
    return path


@pytest.fixture
def sealed(tmp_path: Path) -> tuple[Project, str, str]:
    project = Project.init(tmp_path / "case", encrypted=True)
    statement = tmp_path / "statement.txt"
    statement.write_text(f"The witness {MARKER} saw the shooting.", encoding="utf-8")
    picture = _picture(tmp_path / "square.png")
    added = evidence.add(project, [statement, picture], collected_by="documenter")
    shas = [item.sha256 for item in added]
    return project, shas[0], shas[1]


def _object(project: Project, sha: str) -> Path:
    return object_path(project.evidence_dir / "objects", sha)


def test_objects_are_sealed_under_their_plaintext_address(sealed: tuple[Project, str, str]) -> None:
    import hashlib

    project, text_sha, _ = sealed
    stored = _object(project, text_sha).read_bytes()
    assert MARKER.encode("utf-8") not in stored
    assert stored.startswith(b"QNTRENC1")
    assert hashlib.sha256(stored).hexdigest() != text_sha
    assert evidence.verify(project).ok


def test_a_tampered_sealed_object_is_named(sealed: tuple[Project, str, str]) -> None:
    project, text_sha, _ = sealed
    path = _object(project, text_sha)
    path.chmod(0o600)
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01
    path.write_bytes(bytes(data))
    report = evidence.verify(project, record=False)
    assert not report.ok
    assert any(text_sha[:12] in str(f) or str(path) in str(f) for f in report.failures)


def test_court_bundle_carries_the_plaintext(
    sealed: tuple[Project, str, str], tmp_path: Path
) -> None:
    project, text_sha, picture_sha = sealed
    bundle = tmp_path / "bundle.zip"
    evidence.export(project, bundle)
    with zipfile.ZipFile(bundle) as archive:
        # Files are named by their plaintext address, as in a plaintext project.
        assert MARKER in archive.read(f"files/{text_sha}.txt").decode("utf-8")
        Image.open(io.BytesIO(archive.read(f"files/{picture_sha}.png"))).verify()
    assert evidence.verify_bundle(bundle).ok


def test_replicas_are_sealed_and_repair_from_each_other(
    sealed: tuple[Project, str, str], tmp_path: Path
) -> None:
    project, text_sha, _ = sealed
    replica = tmp_path / "usb"
    replica.mkdir()
    assert replicate(project, [replica]) == 2
    copy = object_path(replica, text_sha)
    assert MARKER.encode("utf-8") not in copy.read_bytes()
    primary = _object(project, text_sha)
    primary.chmod(0o600)
    primary.write_bytes(b"damaged")
    report = fixity(project, [replica])
    assert report.restored
    assert evidence.verify(project, record=False).ok
