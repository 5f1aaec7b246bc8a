"""C2PA manifests (EI-13): placeholder until the reader lands."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def check(path: Path, media_type: str) -> dict[str, Any] | None:
    return None
