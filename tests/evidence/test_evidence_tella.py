"""EI-13: Tella exports (media + verification CSV in a ZIP) have their hashes checked."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from qantar import Project
from qantar.evidence import add, show_item

VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(200)) * 30
AUDIO = b"ID3\x04" + bytes(reversed(range(256))) * 10


def export(path: Path, *, tamper: bool = False, header: str | None = None) -> Path:
    rows = [
        (
            "VID_20220105_101500.mp4",
            hashlib.sha256(VIDEO).hexdigest(),
            "2022-01-05 10:15:00",
            "43.2380",
        ),
        ("AUD_20220105_101700.aac", hashlib.sha256(AUDIO).hexdigest(), "2022-01-05 10:17:00", ""),
    ]
    head = header or "File Name,File Hash SHA256,File Created,Location Latitude"
    lines = [head] + [",".join(r) for r in rows]
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("VID_20220105_101500.mp4", VIDEO + (b"!" if tamper else b""))
        zf.writestr("AUD_20220105_101700.aac", AUDIO)
        zf.writestr("verification.csv", "\n".join(lines) + "\n")
    return path


def proof_of(project: Project, sha256: str) -> dict[str, Any]:
    return show_item(project, sha256)["custody"][0]["details"]["third_party_proof"]


def test_tella_export_hashes_recorded(project: Project, tmp_path: Path) -> None:
    [r] = add(project, [export(tmp_path / "tella.zip")])
    assert r.flags == []
    proof = proof_of(project, r.sha256)
    assert proof["format"] == "tella" and proof["ok"] is True
    assert [f["file"] for f in proof["files"]] == [
        "VID_20220105_101500.mp4",
        "AUD_20220105_101700.aac",
    ]
    assert all(f["hash_ok"] for f in proof["files"])
    assert proof["files"][0]["file_created"] == "2022-01-05 10:15:00"
    assert proof["files"][0]["csv"] == "verification.csv:2"
    assert "43.2380" not in json.dumps(proof)


def test_columns_matched_without_case_or_spacing(project: Project, tmp_path: Path) -> None:
    path = export(tmp_path / "tella.zip", header="filename,sha256,created,lat")
    [r] = add(project, [path])
    assert proof_of(project, r.sha256)["ok"] is True


def test_tampered_tella_media_fails_naming_the_file(project: Project, tmp_path: Path) -> None:
    [r] = add(project, [export(tmp_path / "tella.zip", tamper=True)])
    assert any(f.startswith("tella integrity check failed") for f in r.flags)
    proof = proof_of(project, r.sha256)
    assert proof["problems"] == [
        "VID_20220105_101500.mp4: SHA-256 differs from verification.csv row 2"
    ]


def test_zip_without_known_columns_is_not_taken_for_tella(project: Project, tmp_path: Path) -> None:
    path = export(tmp_path / "other.zip", header="a,b,c,d")
    [r] = add(project, [path])
    assert "third_party_proof" not in show_item(project, r.sha256)["custody"][0]["details"]
