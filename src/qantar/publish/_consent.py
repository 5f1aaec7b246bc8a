"""Consent decisions and the status of each person: decision, else rules, else default."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from qantar.errors import N_, InputError, QantarError
from qantar.model import PublicationStatus
from qantar.model.dicts import jsonable
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

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "person_id": self.person_id,
                "status": self.status,
                "origin": self.origin,
                "reason": self.reason,
                "decided_by": self.decided_by,
                "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            }
        )


def decide_publication(
    project: Project,
    person_id: str,
    status: PublicationStatus | str,
    *,
    by: str,
    note: str | None = None,
    facts: list[PersonFacts] | None = None,
) -> ConsentDecision:
    """Store an explicit publication decision for a person (a family's consent, or its
    refusal; appended, the latest counts)."""
    status = check_status(status)
    if not by or not by.strip():
        raise InputError(N_("say who decided: --by NAME"))
    if facts is None:
        facts = person_facts(project, only=[person_id])
    known = {f.person_id: f for f in facts}
    if person_id not in known:
        raise InputError(
            N_(
                "no person %(person)s in this project: see the person ids with "
                "`qantar link` outputs or `qantar consent --list`"
            ),
            person=repr(person_id),
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


CHANGED = "changed"
CHANGED_REASON = (
    "linkage changed the person a decision was made for (split, merged or new records): "
    "the most restrictive status of the decisions, lists and rules involved applies until "
    "someone decides again (`qantar consent --pending`)"
)


def _latest_by_key(decisions: list[ConsentDecision]) -> dict[str, ConsentDecision]:
    """Record key -> the latest decision made for a person holding that record."""
    out: dict[str, ConsentDecision] = {}
    for d in decisions:  # oldest first: later decisions replace earlier ones
        for key in d.record_keys:
            out[key] = d
    return out


def _statuses_by_key(decisions: list[ConsentDecision]) -> dict[str, set[str]]:
    """Record key -> every status ever decided for a person holding that record: a later
    decision for another set of records does not undo a withhold once linkage moves them."""
    out: dict[str, set[str]] = {}
    for d in decisions:
        for key in d.record_keys:
            out.setdefault(key, set()).add(d.status)
    return out


def _facts_of_keys(project: Project, keys: set[str]) -> list[PersonFacts]:
    """The current persons holding any of ``keys``."""
    from qantar.store.readers import persons_holding

    pids = persons_holding(project, sorted(keys))
    return person_facts(project, only=sorted(pids)) if pids else []


def explain_statuses(
    project: Project, facts: list[PersonFacts] | None = None
) -> dict[str, StatusExplained]:
    """The status of every person (of ``facts``) with its origin.

    - ``decision``: the latest decision for each of the person's records is one and the same,
      made for exactly these records. It overrides rules and what the lists say.
    - ``changed``: decisions were made, but linkage has since split, merged or grown the
      person. The most restrictive status ever decided for, or listed or ruled on, every
      record involved (the person's and those the decisions covered) applies until someone
      decides again for exactly this person: a decision is never moved silently to someone
      else, and a withhold is not lifted by a decision made for another set of records.
    - ``list``: no decision, and a list says "do not publish" for one of the records.
    - ``rule`` / ``default``: the rules of qantar.toml [publish], else the default.
    """
    if facts is None:
        facts = person_facts(project)
    rules = load_rules(project.settings.publish)
    decisions = consent_decisions(project)
    latest = _latest_by_key(decisions)
    ever = _statuses_by_key(decisions)
    known = {f.person_id: f for f in facts}
    out: dict[str, StatusExplained] = {}
    rule_cache: dict[str, tuple[str, str]] = {}

    def by_rules(f: PersonFacts) -> tuple[str, str]:
        if f.person_id not in rule_cache:
            rule_cache[f.person_id] = rules.apply(f.rule_facts())
        return rule_cache[f.person_id]

    changed: list[PersonFacts] = []
    for f in facts:
        keys = set(f.record_keys)
        found = {latest[k].id: latest[k] for k in keys if k in latest}
        if not found:
            if f.listed_withhold:
                out[f.person_id] = StatusExplained(
                    f.person_id,
                    PublicationStatus.WITHHOLD,
                    "list",
                    f"a list says not to publish ({len(f.listed_withhold)} record(s))",
                )
                continue
            status, reason = by_rules(f)
            origin = "default" if reason.startswith("no rule") else "rule"
            out[f.person_id] = StatusExplained(f.person_id, status, origin, reason)
            continue
        only = next(iter(found.values()))
        if len(found) == 1 and set(only.record_keys) == keys:
            reason = f"decision by {only.decided_by}" + (f": {only.note}" if only.note else "")
            out[f.person_id] = StatusExplained(
                f.person_id, only.status, "decision", reason, only.decided_by, only.decided_at
            )
            continue
        changed.append(f)
    if changed:
        involved = set()
        for f in changed:
            involved |= set(f.record_keys)
            for k in f.record_keys:
                if k in latest:
                    involved |= set(latest[k].record_keys)
        holders = {k: f for f in facts for k in f.record_keys}
        missing = {k for k in involved if k not in holders}
        for other in _facts_of_keys(project, missing) if missing else []:
            known.setdefault(other.person_id, other)
            for k in other.record_keys:
                holders[k] = other
        for f in changed:
            keys = set(f.record_keys)
            for k in f.record_keys:
                if k in latest:
                    keys |= set(latest[k].record_keys)
            statuses: list[str] = []
            for k in keys:
                holder = holders.get(k)
                if k in latest:
                    statuses.extend(ever[k])
                elif holder is not None:
                    statuses.append(by_rules(holder)[0])
                if holder is not None and k in holder.listed_withhold:
                    statuses.append(PublicationStatus.WITHHOLD)
            decided = max((latest[k] for k in f.record_keys if k in latest), key=lambda d: d.id)
            out[f.person_id] = StatusExplained(
                f.person_id,
                most_restrictive(statuses),
                CHANGED,
                CHANGED_REASON,
                decided.decided_by,
                decided.decided_at,
            )
    return out


@dataclass(frozen=True)
class PendingConsent:
    """A person whose decisions linkage has disturbed: what applies now and what was decided."""

    person_id: str
    status: str  # what applies until someone decides again
    record_keys: tuple[str, ...]
    earlier: tuple[ConsentDecision, ...]  # the decisions involved, oldest first

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "person_id": self.person_id,
                "status": self.status,
                "records": len(self.record_keys),
                "earlier": [
                    {
                        "decision": d.id,
                        "person_id": d.person_id,
                        "status": d.status,
                        "records": len(d.record_keys),
                        "records_still_with_this_person": len(
                            set(d.record_keys) & set(self.record_keys)
                        ),
                        "decided_by": d.decided_by,
                        "decided_at": d.decided_at.isoformat(),
                    }
                    for d in self.earlier
                ],
            }
        )


def pending_consent(project: Project) -> list[PendingConsent]:
    """Persons whose consent decisions were split, merged or grown by linkage, for the
    liaison: each keeps the most restrictive status involved until someone decides again."""
    facts = person_facts(project)
    statuses = explain_statuses(project, facts)
    latest = _latest_by_key(consent_decisions(project))
    out = []
    for f in facts:
        if statuses[f.person_id].origin != CHANGED:
            continue
        earlier = {latest[k].id: latest[k] for k in f.record_keys if k in latest}
        out.append(
            PendingConsent(
                f.person_id,
                statuses[f.person_id].status,
                f.record_keys,
                tuple(earlier[i] for i in sorted(earlier)),
            )
        )
    return out


def explain_status(project: Project, person_id: str) -> StatusExplained:
    facts = person_facts(project, only=[person_id])
    if not facts:
        raise QantarError(N_("no person %(person)s in this project"), person=repr(person_id))
    return explain_statuses(project, facts)[person_id]


def publication_status(project: Project, person_id: str) -> str:
    """``publish``, ``initials-only`` or ``withhold`` for one person (a plain string, so that
    ``publication_status(p, pid) == "withhold"`` reads as it should)."""
    return explain_status(project, person_id).status
