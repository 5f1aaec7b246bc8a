"""Third-party proof shipped inside an item (EI-13), checked at ingest and recorded.

The result goes into the details of the item's custody event (``third_party_proof``):
- ProofMode ZIP bundles: SHA-256 and OpenPGP signatures of media and proofs (``_proofmode``);
- WACZ web archives (auto-archiver, Browsertrix): every resource in ``datapackage.json``
  must match its declared SHA-256 and size;
- Tella exports: media hashes checked against the verification CSV (``_tella``);
- C2PA manifests embedded in images and videos: validation state (``_c2pa``).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from qantar.evidence import _c2pa, _proofmode, _tella


def check(path: Path, media_type: str) -> dict[str, Any] | None:
    if media_type != "application/zip":
        return _c2pa.check(path, media_type)
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if _proofmode.is_proofmode(names):
                return _proofmode.check(archive)
            if "datapackage.json" in names:
                return _wacz(archive)
            if _tella.is_tella(archive):
                return _tella.check(archive)
            return None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return {"format": "zip", "ok": False, "problems": [f"unreadable: {exc}"]}


def _wacz(archive: zipfile.ZipFile) -> dict[str, Any]:
    problems: list[str] = []
    try:
        package = json.loads(archive.read("datapackage.json"))
        resources = package["resources"]
    except (KeyError, ValueError, TypeError) as exc:
        return {"format": "wacz", "ok": False, "problems": [f"datapackage.json: {exc}"]}
    names = set(archive.namelist())
    for resource in resources:
        member = str(resource.get("path", ""))
        declared = str(resource.get("hash", ""))
        if member not in names:
            problems.append(f"{member}: listed but missing")
            continue
        algo, _, digest = declared.partition(":")
        if algo != "sha256" or not digest:
            problems.append(f"{member}: no sha256 hash declared ({declared!r})")
            continue
        h = hashlib.sha256()
        size = 0
        with archive.open(member) as handle:
            while chunk := handle.read(1 << 20):
                h.update(chunk)
                size += len(chunk)
        if h.hexdigest() != digest:
            problems.append(f"{member}: SHA-256 differs from datapackage.json")
        if "bytes" in resource and int(resource["bytes"]) != size:
            problems.append(f"{member}: size differs from datapackage.json")
    return {
        "format": "wacz",
        "ok": not problems,
        "resources": len(resources),
        "problems": problems,
    }
