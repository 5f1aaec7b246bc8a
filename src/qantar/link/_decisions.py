"""Review decisions: human data keyed by stable record identity, kept forever.

Decisions are appended, never updated: the latest decision on a pair is the one in force,
and the history shows who changed their mind and when.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select

from qantar.errors import InputError
from qantar.link._tables import review_decisions

DECISIONS = ("match", "non-match", "unsure")


@dataclass(frozen=True)
class Decision:
    record_key_a: str
    record_key_b: str
    decision: str
    reviewer: str
    decided_at: dt.datetime
    note: str | None


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def record_decision(
    engine: Engine,
    key_1: str,
    key_2: str,
    decision: str,
    *,
    reviewer: str,
    note: str | None = None,
    when: dt.datetime | None = None,
) -> Decision:
    """Store one reviewer's decision on a pair of records (by their stable keys)."""
    if decision not in DECISIONS:
        raise InputError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
    if key_1 == key_2:
        raise InputError("a record cannot be reviewed against itself")
    if not reviewer.strip():
        raise InputError("every decision needs a reviewer name")
    a, b = pair_key(key_1, key_2)
    row = Decision(a, b, decision, reviewer.strip(), when or dt.datetime.now(dt.UTC), note)
    with engine.begin() as conn:
        conn.execute(
            insert(review_decisions).values(
                record_key_a=row.record_key_a,
                record_key_b=row.record_key_b,
                decision=row.decision,
                reviewer=row.reviewer,
                decided_at=row.decided_at,
                note=row.note,
            )
        )
    return row


def current_decisions(engine: Engine) -> dict[tuple[str, str], Decision]:
    """The decision in force for each reviewed pair (the latest one)."""
    out: dict[tuple[str, str], Decision] = {}
    query = select(review_decisions).order_by(review_decisions.c.decided_at, review_decisions.c.id)
    with engine.connect() as conn:
        for r in conn.execute(query):
            out[(r.record_key_a, r.record_key_b)] = Decision(
                r.record_key_a, r.record_key_b, r.decision, r.reviewer, r.decided_at, r.note
            )
    return out
