"""Small helpers shared by the accountability modules."""

from __future__ import annotations

import datetime as dt
import unicodedata

from qantar.names import name_key


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def place_key(text: str) -> str:
    """A script-independent key for a place name: Алматы, Almaty and ALMATY agree."""
    words = [w for w in unicodedata.normalize("NFC", text).replace(",", " ").split() if w]
    return " ".join(name_key(w) for w in words)


def date_within(day: str, start: str | None, end: str | None) -> bool:
    """Whether ``day`` (YYYY[-MM[-DD]]) may fall in [start, end]; an open side is open.

    FtM dates keep their precision ("2021", "2021-06"): "2021" as a start means some
    time in 2021, so the comparison is made at the shorter of the two precisions.
    """
    if start:
        n = min(len(start), len(day))
        if start[:n] > day[:n]:
            return False
    if end:
        n = min(len(end), len(day))
        if end[:n] < day[:n]:
            return False
    return True
