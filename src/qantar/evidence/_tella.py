"""Tella verification CSV (EI-13): placeholder until the reader lands."""

from __future__ import annotations

import zipfile
from typing import Any


def is_tella(archive: zipfile.ZipFile) -> bool:
    return False


def check(archive: zipfile.ZipFile) -> dict[str, Any]:
    return {"format": "tella", "ok": False, "problems": ["not implemented"]}
