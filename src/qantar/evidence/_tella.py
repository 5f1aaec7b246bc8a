"""Tella exports (EI-13): media hashes checked against the verification CSV in the ZIP.

Tella records a SHA-256 and capture metadata ("verification information") for each file it
takes. We could not confirm from Tella's documentation the exact layout of an exported
CSV, so this reader accepts a documented column set (docs/evidence.md): one header row,
one row per media file, a hash column (``File Hash SHA256``, ``Hash``, ``SHA256`` ...) and
a file column (``File Name``, ``File Path`` ...), names compared without case, spaces or
underscores. Media in the ZIP that no row lists are recorded as unlisted, not verified.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from pathlib import PurePosixPath
from typing import Any

from qantar.evidence._limits import Limits, read_member

HASH_COLUMNS = ("filehashsha256", "hashsha256", "sha256", "sha256hash", "hash")
NAME_COLUMNS = ("filename", "name", "filepath", "path")
# Times only, as for ProofMode: location and device fields stay in the stored ZIP.
TIME_COLUMNS = {
    "filecreated": "file_created",
    "created": "file_created",
    "filemodified": "file_modified",
    "modified": "file_modified",
}
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _key(column: str) -> str:
    return re.sub(r"[\s_\-]+", "", column.strip().lower())


def _columns(header: list[str]) -> tuple[str | None, str | None]:
    keys = {_key(c): c for c in header}
    hash_col = next((keys[k] for k in HASH_COLUMNS if k in keys), None)
    name_col = next((keys[k] for k in NAME_COLUMNS if k in keys), None)
    return hash_col, name_col


def _sheets(archive: zipfile.ZipFile) -> list[str]:
    return sorted(n for n in archive.namelist() if n.lower().endswith(".csv"))


def _header(archive: zipfile.ZipFile, name: str) -> list[str]:
    with archive.open(name) as handle:
        first = handle.readline(1 << 16).decode("utf-8-sig", errors="replace")
    return next(csv.reader([first]), [])


def is_tella(archive: zipfile.ZipFile) -> bool:
    return any(all(_columns(_header(archive, n))) for n in _sheets(archive))


def check(
    archive: zipfile.ZipFile, limits: Limits | None = None, *, file: str = "ZIP"
) -> dict[str, Any]:
    problems: list[str] = []
    files: list[dict[str, Any]] = []
    members = {
        PurePosixPath(n).name: n
        for n in archive.namelist()
        if not n.endswith("/") and not n.lower().endswith(".csv")
    }
    listed: set[str] = set()
    for sheet in _sheets(archive):
        raw = read_member(archive, sheet, limits or Limits(), file=file)
        text = raw.decode("utf-8-sig", errors="replace")
        reader = csv.DictReader(io.StringIO(text))
        hash_col, name_col = _columns(list(reader.fieldnames or []))
        if hash_col is None or name_col is None:
            continue
        for row_no, row in enumerate(reader, start=2):
            entry = _row(archive, members, sheet, row_no, row, hash_col, name_col, problems)
            listed.add(entry["file"])
            files.append(entry)
    if not files:
        problems.append("no file rows in the verification CSV")
    return {
        "format": "tella",
        "ok": not problems,
        "files": files,
        "unlisted": sorted(set(members) - listed),
        "problems": problems,
    }


def _row(
    archive: zipfile.ZipFile,
    members: dict[str, str],
    sheet: str,
    row_no: int,
    row: dict[str, str],
    hash_col: str,
    name_col: str,
    problems: list[str],
) -> dict[str, Any]:
    name = PurePosixPath((row.get(name_col) or "").strip().replace("\\", "/")).name
    declared = (row.get(hash_col) or "").strip().lower()
    entry: dict[str, Any] = {"file": name, "sha256": declared, "csv": f"{sheet}:{row_no}"}
    for column, value in row.items():
        field = TIME_COLUMNS.get(_key(column or ""))
        if field and value:
            entry[field] = value.strip()
    if not _HEX64.fullmatch(declared):
        problems.append(f"{name or '?'}: no SHA-256 in {sheet} row {row_no}")
        return entry
    if name not in members:
        problems.append(f"{name}: listed in {sheet} row {row_no} but missing from the ZIP")
        return entry
    h = hashlib.sha256()
    with archive.open(members[name]) as handle:
        while chunk := handle.read(1 << 20):
            h.update(chunk)
    entry["hash_ok"] = h.hexdigest() == declared
    if not entry["hash_ok"]:
        problems.append(f"{name}: SHA-256 differs from {sheet} row {row_no}")
    return entry
