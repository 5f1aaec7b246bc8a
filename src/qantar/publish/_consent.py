"""Consent decisions and the status of each person: decision, else rules, else default."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from qantar.errors import InputError, QantarError
from qantar.project import Project
from qantar.publish._persons import PersonFacts, person_facts
from qantar.publish._rules import check_status, load_rules, most_restrictive
from qantar.publish._tables import publication_decisions


@dataclass(frozen=True)
class ConsentDecision:
    id: int
    person_id: str
    record_keys: tuple[str, ...]
    status: str
    decided_by: str
    decided_at: dt.datetime
    note: str | None


@dataclass(frozen=True)
class StatusExplained:
    """A person's publication status and where it comes from (decision, rule or default)."""

    person_id: str
    status: str
    origin: str  # "decision", "rule" or "default"
    reason: str
    decided_by: str | None = None
    decided_at: dt.datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "status": self.status,
            "origin": self.origin,
            "reason": self.reason,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
        }


def record_consent(
    project: Project,
    person_id: str,
    status: str,
    *,
    by: str,
    note: str | None = None,
    facts: list[PersonFacts] | None = None,
) -> ConsentDecision:
    """Store an explicit publication decision for a person (appended; the latest counts)."""
    check_status(status)
    if not by or not by.strip():
        raise InputError("say who decided: --by NAME")
    if facts is None:
        facts = person_facts(project, only=[person_id])
    known = {f.person_id: f for f in facts}
    if person_id not in known:
        raise InputError(
            f"no person {person_id!r} in this project: see the person ids with "
            "`qantar link` outputs or `qantar consent --list`"
        )
    keys = known[person_id].record_keys
    now = dt.datetime.now(dt.UTC)
    with project.engine.begin() as conn:
        new_id = conn.execute(
            insert(publication_decisions).values(
                person_id=person_id,
                record_keys=list(keys),
                status=status,
                decided_by=by.strip(),
                decided_at=now,
                note=note,
            )
        ).inserted_primary_key
    assert new_id is not None
    return ConsentDecision(int(new_id[0]), person_id, keys, status, by.strip(), now, note)


def consent_decisions(project: Project) -> list[ConsentDecision]:
    """Every decision ever stored, oldest first (the history is kept)."""
    with project.engine.connect() as conn:
        rows = conn.execute(
            select(publication_decisions).order_by(publication_decisions.c.id)
        ).all()
    return [
        ConsentDecision(
            r.id,
            r.person_id,
            tuple(r.record_keys or ()),
            r.status,
            r.decided_by,
            r.decided_at,
            r.note,
        )
        for r in rows
    ]


def _applicable(
    facts: PersonFacts,
    latest_by_origin: dict[str, ConsentDecision],
    by_key: dict[str, set[str]],
) -> list[ConsentDecision]:
    """Decisions that concern this person: made for its id, or for a person (under an older
    id) that shared one of its records. Latest per original person."""
    origins = {facts.person_id} & set(latest_by_origin)
    for key in facts.record_keys:
        origins |= by_key.get(key, set())
    return [latest_by_origin[o] for o in sorted(origins)]


def explain_statuses(
    project: Project, facts: list[PersonFacts] | None = None
) -> dict[str, StatusExplained]:
    """The status of every person with its origin: an explicit decision overrides the rules;
    if a re-link merged persons with different decisions, the most restrictive stands."""
    if facts is None:
        facts = person_facts(project)
    rules = load_rules(project.section("publish"))
    decisions = consent_decisions(project)
    latest_by_origin: dict[str, ConsentDecision] = {}
    for d in decisions:
        latest_by_origin[d.person_id] = d
    by_key: dict[str, set[str]] = defaultdict(set)
    for d in latest_by_origin.values():
        for key in d.record_keys:
            by_key[key].add(d.person_id)
    out: dict[str, StatusExplained] = {}
    for f in facts:
        found = _applicable(f, latest_by_origin, by_key)
        if found:
            status = most_restrictive([d.status for d in found])
            d = max((d for d in found if d.status == status), key=lambda d: d.id)
            reason = f"decision by {d.decided_by}" + (f": {d.note}" if d.note else "")
            out[f.person_id] = StatusExplained(
                f.person_id, status, "decision", reason, d.decided_by, d.decided_at
            )
            continue
        status, reason = rules.apply(f.rule_facts())
        origin = "default" if reason.startswith("no rule") else "rule"
        out[f.person_id] = StatusExplained(f.person_id, status, origin, reason)
    return out


def explain_status(project: Project, person_id: str) -> StatusExplained:
    facts = person_facts(project, only=[person_id])
    if not facts:
        raise QantarError(f"no person {person_id!r} in this project")
    return explain_statuses(project, facts)[person_id]


def publication_status(project: Project, person_id: str) -> str:
    """``publish``, ``initials-only`` or ``withhold`` for one person (a plain string, so that
    ``publication_status(p, pid) == "withhold"`` reads as it should)."""
    return explain_status(project, person_id).status
