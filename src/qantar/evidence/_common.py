"""Small shared pieces: UTC time, canonical JSON, who is acting, finding items."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Connection, select

from qantar._actor import UNKNOWN
from qantar.errors import N_, InputError, QantarError
from qantar.evidence._tables import evidence_items


def now_utc() -> str:
    """Event times are UTC, ISO 8601 with microseconds and a Z."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(data: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8 (what gets hashed and signed)."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def parse_collected_at(value: str | None) -> str:
    """A collection time as UTC ISO, a bare date, or "unknown"; never guessed.

    A time without a zone is refused: silently taking it as UTC (or as local time) would
    invent a fact the collector did not record.
    """
    if value is None or not value.strip() or value.strip().lower() == UNKNOWN:
        return UNKNOWN
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text).isoformat()
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(
            N_(
                "collection time %(time)s is not ISO 8601 (e.g. 2022-01-05T14:30+06:00, "
                "2022-01-05, or unknown)"
            ),
            field="collected_at",
            time=repr(text),
        ) from exc
    if parsed.tzinfo is None:
        raise InputError(
            N_(
                "collection time %(time)s has no time zone: add one (Almaty is +06:00 in 2022, "
                "or Z for UTC) or give only the date"
            ),
            field="collected_at",
            time=repr(text),
        )
    return parsed.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def known(value: str | None) -> str:
    """A collection-record field: the given text, or "unknown" (EI-4)."""
    if value is None or not str(value).strip():
        return UNKNOWN
    return str(value).strip()


def resolve_item(conn: Connection, ident: str) -> str:
    """An item's SHA-256 from its full hash or a unique prefix of at least 6 characters."""
    text = ident.strip().lower()
    if len(text) < 6 or any(c not in "0123456789abcdef" for c in text):
        raise InputError(
            N_(
                "%(ident)s is not an evidence id: give its SHA-256 or a prefix of 6+ hex characters"
            ),
            ident=repr(ident),
        )
    rows = conn.execute(
        select(evidence_items.c.sha256).where(evidence_items.c.sha256.like(text + "%")).limit(2)
    ).all()
    if not rows:
        raise QantarError(N_("no evidence item %(ident)s: see `qantar evidence list`"), ident=ident)
    if len(rows) > 1:
        raise QantarError(
            N_("evidence id %(ident)s is ambiguous: give more characters"), ident=ident
        )
    return str(rows[0][0])
