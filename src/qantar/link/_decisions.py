"""Review decisions: human data keyed by stable record identity, kept forever.

Decisions are appended, never updated, and the history shows who changed their mind and
when. The decision in force on a pair is each reviewer's latest one when they agree. When
reviewers disagree, the pair waits for the admin (``conflicts``), and meanwhile the most
cautious of their decisions is in force: non-match if anyone said so, else unsure, never
a match nobody else confirmed. An admin's ruling (``adjudication``) settles the pair; a
reviewer who decides it differently afterwards opens the question again.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select

from qantar.errors import N_, InputError
from qantar.link._tables import review_decisions, review_leases
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
    adjudication: bool = False


# The most cautious first: what stands while reviewers disagree.
CAUTION = (Decision.NON_MATCH, Decision.UNSURE, Decision.MATCH)


@dataclass(frozen=True)
class PairHistory:
    """One pair's decisions since the admin last ruled on it (or since the first)."""

    record_key_a: str
    record_key_b: str
    latest: dict[str, PairDecision]  # each reviewer's latest decision, in order of time
    ruling: PairDecision | None  # the admin's ruling these follow, if any

    @property
    def in_conflict(self) -> bool:
        return len({d.decision for d in self.latest.values()}) > 1

    def in_force(self) -> PairDecision:
        decisions = list(self.latest.values())
        if not self.in_conflict:
            return decisions[-1]
        cautious = min(decisions, key=lambda d: CAUTION.index(d.decision))
        return cautious


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
    adjudication: bool = False,
) -> PairDecision:
    """Store one reviewer's decision on a pair of records (by their stable keys)."""
    decided = parse_enum(Decision, decision, field="decision")
    if key_1 == key_2:
        raise InputError(N_("a record cannot be reviewed against itself"))
    if not reviewer.strip():
        raise InputError(N_("every decision needs a reviewer name"))
    a, b = pair_key(key_1, key_2)
    row = PairDecision(
        a, b, decided, reviewer.strip(), when or dt.datetime.now(dt.UTC), note, adjudication
    )
    with engine.begin() as conn:
        # Whatever the door (the CLI, a workbook, the web), deciding ends the decider's lease.
        conn.execute(
            delete(review_leases).where(
                review_leases.c.record_key_a == a,
                review_leases.c.record_key_b == b,
                review_leases.c.reviewer == row.reviewer,
            )
        )
        conn.execute(
            insert(review_decisions).values(
                record_key_a=row.record_key_a,
                record_key_b=row.record_key_b,
                decision=row.decision,
                reviewer=row.reviewer,
                decided_at=row.decided_at,
                note=row.note,
                adjudication=row.adjudication,
            )
        )
    return row


@dataclass
class _Log:
    """What this process has read of the decisions: every pair's history, and how far."""

    count: int = 0
    last_id: int = 0
    last_at: dt.datetime | None = None
    histories: dict[tuple[str, str], PairHistory] = field(default_factory=dict)

    def add(self, r: Any) -> None:
        pair = (r.record_key_a, r.record_key_b)
        d = PairDecision(
            r.record_key_a,
            r.record_key_b,
            Decision(r.decision),
            r.reviewer,
            r.decided_at,
            r.note,
            bool(r.adjudication),
        )
        if d.adjudication or pair not in self.histories:
            self.histories[pair] = PairHistory(*pair, {}, d if d.adjudication else None)
        latest = self.histories[pair].latest
        latest.pop(d.reviewer, None)  # keep the dict in order of each one's latest
        latest[d.reviewer] = d
        self.count += 1
        self.last_id = max(self.last_id, int(r.id))
        self.last_at = r.decided_at if self.last_at is None else max(self.last_at, r.decided_at)


# Decisions are only ever appended, so each process reads the new ones since its last look
# instead of every decision per request (twenty reviewers ask for a page each second).
_LOGS: weakref.WeakKeyDictionary[Engine, _Log] = weakref.WeakKeyDictionary()
_LOGS_LOCK = threading.Lock()


def _histories(engine: Engine) -> dict[tuple[str, str], PairHistory]:
    """Every reviewed pair's decisions since its last ruling."""
    by_time = (review_decisions.c.decided_at, review_decisions.c.id)
    with _LOGS_LOCK:
        log = _LOGS.get(engine) or _Log()
        with engine.connect() as conn:
            count = int(
                conn.execute(select(func.count()).select_from(review_decisions)).scalar() or 0
            )
            new = conn.execute(
                select(review_decisions)
                .where(review_decisions.c.id > log.last_id)
                .order_by(*by_time)
            ).all()
            # Read everything again when the increment cannot be trusted: a row committed
            # late with a smaller id (PostgreSQL hands ids out before commit), or a
            # decision dated before one already read (the latest must stay the latest).
            stale = count != log.count + len(new) or (
                new and log.last_at is not None and new[0].decided_at < log.last_at
            )
            if stale:
                log = _Log()
                new = conn.execute(select(review_decisions).order_by(*by_time)).all()
        for r in new:
            log.add(r)
        _LOGS[engine] = log
        return dict(log.histories)


def _current_decisions(engine: Engine) -> dict[tuple[str, str], PairDecision]:
    """The decision in force for each reviewed pair (see the module's docstring)."""
    return {pair: h.in_force() for pair, h in _histories(engine).items()}


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
    """The decision in force for each reviewed pair (each reviewer's latest when they
    agree, the most cautious while they disagree, the admin's ruling once given)."""
    return _current_decisions(project.engine)


def conflicts(project: Project) -> list[PairHistory]:
    """Pairs reviewers decided differently since the admin last ruled, oldest first."""
    found = [h for h in _histories(project.engine).values() if h.in_conflict]
    return sorted(found, key=lambda h: min(d.decided_at for d in h.latest.values()))


def adjudicate(
    project: Project,
    key_1: str,
    key_2: str,
    decision: Decision | str,
    *,
    admin: str,
    note: str | None = None,
) -> PairDecision:
    """The admin's ruling on a pair reviewers decided differently: in force from now on."""
    pair = pair_key(key_1, key_2)
    if pair not in {(h.record_key_a, h.record_key_b) for h in conflicts(project)}:
        raise InputError(N_("this pair is not waiting for adjudication"))
    return _record_decision(
        project.engine, *pair, decision, reviewer=admin, note=note, adjudication=True
    )
