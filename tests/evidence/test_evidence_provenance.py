"""Third-party proof (EI-13, partial): WACZ resource hashes checked and recorded at ingest."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from qantar import Project
from qantar.evidence import add, show_item


def wacz(path: Path, *, tamper: bool = False) -> Path:
    warc = b"WARC/1.1\r\nWARC-Type: response\r\n\r\n<html>post</html>\r\n"
    declared = hashlib.sha256(warc).hexdigest()
    stored = warc.replace(b"post", b"edit") if tamper else warc
    package = {
        "profile": "data-package",
        "resources": [
            {
                "name": "data.warc",
                "path": "archive/data.warc",
                "hash": f"sha256:{declared}",
                "bytes": len(warc),
            }
        ],
    }
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("archive/data.warc", stored)
        zf.writestr("datapackage.json", json.dumps(package))
    return path


def test_intact_wacz_recorded_as_verified(project: Project, tmp_path: Path) -> None:
    [r] = add(project, [wacz(tmp_path / "capture.wacz")])
    assert r.flags == []
    added = show_item(project, r.sha256)["custody"][0]
    assert added["details"]["third_party_proof"] == {
        "format": "wacz",
        "ok": True,
        "resources": 1,
        "problems": [],
    }


def test_tampered_wacz_flagged_and_recorded(project: Project, tmp_path: Path) -> None:
    [r] = add(project, [wacz(tmp_path / "capture.wacz", tamper=True)])
    assert any("wacz integrity check failed" in f for f in r.flags)
    proof = show_item(project, r.sha256)["custody"][0]["details"]["third_party_proof"]
    assert proof["ok"] is False and "archive/data.warc" in proof["problems"][0]
