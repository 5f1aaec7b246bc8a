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
from qantar.evidence._limits import Limits, check_zip, read_member


def check(
    path: Path, media_type: str, limits: Limits | None = None, *, file: str | None = None
) -> dict[str, Any] | None:
    """The proof's check, or None; raises LimitExceeded for a ZIP too large to open."""
    if media_type != "application/zip":
        return _c2pa.check(path, media_type)
    limits = limits or Limits()
    name = file or str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            check_zip(archive, limits, file=name)
            names = set(archive.namelist())
            if _proofmode.is_proofmode(names):
                return _proofmode.check(archive, limits, file=name)
            if "datapackage.json" in names:
                return _wacz(archive, limits, name)
            if _tella.is_tella(archive):
                return _tella.check(archive, limits, file=name)
            return None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return {"format": "zip", "ok": False, "problems": [f"unreadable: {exc}"]}


def _resources(package: Any) -> list[dict[str, Any]]:
    """``resources`` of a WACZ datapackage.json, each with a text ``path`` and ``hash``."""
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        raise ValueError("not a data package: no list of resources")
    for n, resource in enumerate(package["resources"], start=1):
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            raise ValueError(f"resource {n} is not an object with a path")
        if not isinstance(resource.get("hash", ""), str):
            raise ValueError(f"resource {n}: hash is not text")
        size = resource.get("bytes")
        if size is not None and (isinstance(size, bool) or not isinstance(size, int)):
            raise ValueError(f"resource {n}: bytes is not a whole number")
    return list(package["resources"])


def _wacz(archive: zipfile.ZipFile, limits: Limits, file: str) -> dict[str, Any]:
    problems: list[str] = []
    try:
        package = json.loads(read_member(archive, "datapackage.json", limits, file=file))
        resources = _resources(package)
    except RecursionError:
        return {"format": "wacz", "ok": False, "problems": ["datapackage.json: nested too deeply"]}
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
