"""Who is acting: every human decision and custody event is stored with who made it."""

from __future__ import annotations

import getpass
import os

UNKNOWN = "unknown"


def default_actor() -> str:
    """The acting person: QANTAR_ACTOR if set, else the login name, else "unknown"."""
    actor = os.environ.get("QANTAR_ACTOR", "").strip()
    if actor:
        return actor
    try:
        return getpass.getuser() or UNKNOWN
    except (KeyError, OSError):
        return UNKNOWN
