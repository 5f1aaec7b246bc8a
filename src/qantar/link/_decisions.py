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
from qantar.model import Decision, parse_enum
from qantar.project import Project

DECISIONS = tuple(d.value for d in Decision)


@dataclass(frozen=True)
class PairDecision:
    record_key_a: str
    record_key_b: str
    decision: Decision
    reviewer: str
    decided_at: dt.datetime
    note: str | None


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _record_decision(
    engine: Engine,
    key_1: str,
    key_2: str,
    decision: Decision | str,
    *,
    reviewer: str,
    note: str | None = None,
    when: dt.datetime | None = None,
) -> PairDecision:
    """Store one reviewer's decision on a pair of records (by their stable keys)."""
    decided = parse_enum(Decision, decision, field="decision")
    if key_1 == key_2:
        raise InputError("a record cannot be reviewed against itself")
    if not reviewer.strip():
        raise InputError("every decision needs a reviewer name")
    a, b = pair_key(key_1, key_2)
    row = PairDecision(a, b, decided, reviewer.strip(), when or dt.datetime.now(dt.UTC), note)
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


def _current_decisions(engine: Engine) -> dict[tuple[str, str], PairDecision]:
    """The decision in force for each reviewed pair (the latest one)."""
    out: dict[tuple[str, str], PairDecision] = {}
    query = select(review_decisions).order_by(review_decisions.c.decided_at, review_decisions.c.id)
    with engine.connect() as conn:
        for r in conn.execute(query):
            out[(r.record_key_a, r.record_key_b)] = PairDecision(
                r.record_key_a,
                r.record_key_b,
                Decision(r.decision),
                r.reviewer,
                r.decided_at,
                r.note,
            )
    return out


def record_decision(
    project: Project,
    key_1: str,
    key_2: str,
    decision: Decision | str,
    *,
    reviewer: str,
    note: str | None = None,
    when: dt.datetime | None = None,
) -> PairDecision:
    """Store one reviewer's decision on a pair of records (by their stable keys)."""
    return _record_decision(
        project.engine, key_1, key_2, decision, reviewer=reviewer, note=note, when=when
    )


def current_decisions(project: Project) -> dict[tuple[str, str], PairDecision]:
    """The decision in force for each reviewed pair (the latest one)."""
    return _current_decisions(project.engine)
