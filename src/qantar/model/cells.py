"""Text that leaves qantar for people and spreadsheets: invisible controls out, formulas defused.

Pure functions, no imports of ours, so that every area (ingest's record export, link's
person export, the publication outputs) can use the same two rules.
"""

from __future__ import annotations

import unicodedata
from typing import Any

# Bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E/U+200F) reorder what a
# reader sees ("txt.exe" shown as "exe.txt"); zero-width characters and the soft hyphen
# hide inside a word so that a search for it fails. All are Unicode format characters (Cf).
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f"]
)  # fmt: skip
_KEEP = frozenset("\n\t")
# OWASP "CSV injection": a cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def clean_text(text: str) -> str:
    """``text`` in NFC without format characters (bidi controls, zero-width, soft hyphen)
    and without control characters other than newline and tab."""
    text = unicodedata.normalize("NFC", text)
    return "".join(
        ch for ch in text if ch in _KEEP or unicodedata.category(ch) not in ("Cf", "Cc", "Cs", "Co")
    )


def safe_cell(value: Any) -> Any:
    """A value for a CSV cell: text cleaned and, if a spreadsheet would read it as a formula,
    prefixed with ``'`` as OWASP advises. Numbers and None pass unchanged."""
    if not isinstance(value, str):
        return value
    # Before cleaning: a leading tab or CR is itself a trigger, and cleaning keeps the tab.
    if value.startswith(FORMULA_STARTS):
        return "'" + clean_text(value)
    text = clean_text(value)
    if text.lstrip(" \u00a0").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_row(row: dict[str, Any]) -> dict[str, Any]:
    """Every cell of a CSV row through :func:`safe_cell`."""
    return {k: safe_cell(v) for k, v in row.items()}
