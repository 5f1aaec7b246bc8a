"""Responsibility links: an official or a unit tied to an incident, with role, evidence,
victims, source and confidence; and the contrary information a submission must carry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

import qantar.evidence as evidence
from qantar._actor import default_actor
from qantar.accountability._common import now_utc
from qantar.accountability._tables import (
    contrary,
    entities,
    responsibility,
    responsibility_evidence,
    responsibility_victims,
)
from qantar.errors import N_, InputError, QantarError
from qantar.project import Project
from qantar.store.schema import records

ROLES = ("ordered", "commanded", "executed", "aided", "covered_up", "financed")
ABUSES = (
    "extrajudicial_killing",
    "torture",
    "cidt",
    "arbitrary_detention",
    "enforced_disappearance",
)
VICTIM_CATEGORIES = ("protester", "bystander", "journalist", "minor", "detainee", "other")
# Incident types (free text in the evidence area) that imply an abuse category.
_TYPE_ABUSES = {
    "killing": "extrajudicial_killing",
    "killed": "extrajudicial_killing",
    "shooting": "extrajudicial_killing",
    "death": "extrajudicial_killing",
    "torture": "torture",
    "tortured": "torture",
    "ill-treatment": "cidt",
    "beating": "cidt",
    "detention": "arbitrary_detention",
    "detained": "arbitrary_detention",
    "arrest": "arbitrary_detention",
    "disappearance": "enforced_disappearance",
    "disappeared": "enforced_disappearance",
}


def abuses_for_incident_type(kind: str) -> list[str]:
    words = kind.casefold().replace(",", " ").replace("/", " ").split()
    return list(dict.fromkeys(_TYPE_ABUSES[w] for w in words if w in _TYPE_ABUSES))


@dataclass(frozen=True)
class Victim:
    record_id: int | None = None
    person_id: str | None = None
    category: str | None = None


def _resolve_items(project: Project, refs: Sequence[str]) -> list[str]:
    if not refs:
        return []
    known = [str(i["sha256"]) for i in evidence.list_items(project)]
    out = []
    for ref in refs:
        hits = [sha for sha in known if sha.startswith(ref.strip().lower())]
        if len(hits) != 1:
            if not hits:
                raise InputError(
                    N_("no evidence item with hash starting %(ref)s"),
                    field="evidence",
                    ref=repr(ref),
                )
            raise InputError(
                N_("%(n)s evidence items with hash starting %(ref)s"),
                field="evidence",
                n=len(hits),
                ref=repr(ref),
            )
        out.append(hits[0])
    return out


def link_responsibility(
    project: Project,
    *,
    actor: str,
    incident: int,
    role: str,
    source: str,
    confidence: float,
    evidence_items: Sequence[str] = (),
    victims: Sequence[Victim] = (),
    abuses: Sequence[str] | None = None,
    note: str | None = None,
    created_by: str | None = None,
) -> int:
    """Tie ``actor`` (an entity id: official or unit) to an incident; returns the link id.

    ``abuses`` default to what the incident's type implies (shooting → extrajudicial
    killing, detention → arbitrary detention...).
    """
    if role not in ROLES:
        raise InputError(
            N_("role %(role)s is not one of %(allowed)s"),
            field="role",
            role=repr(role),
            allowed=", ".join(ROLES),
        )
    if not 0.0 <= confidence <= 1.0:
        raise InputError(N_("confidence must be between 0 and 1"), field="confidence")
    if not source or not source.strip():
        raise InputError(N_("a responsibility link needs its source"), field="source")
    incident_rows = {int(i["id"]): i for i in evidence.list_incidents(project)}
    if incident not in incident_rows:
        raise QantarError(
            N_("no incident %(incident)s: see `qantar incident list`"), incident=incident
        )
    chosen = list(abuses) if abuses else abuses_for_incident_type(incident_rows[incident]["type"])
    for abuse in chosen:
        if abuse not in ABUSES:
            raise InputError(
                N_("abuse %(abuse)s is not one of %(allowed)s"),
                field="abuses",
                abuse=repr(abuse),
                allowed=", ".join(ABUSES),
            )
    for victim in victims:
        if (victim.record_id is None) == (victim.person_id is None):
            raise InputError(N_("a victim is a record id or a person id"), field="victims")
        if victim.category is not None and victim.category not in VICTIM_CATEGORIES:
            raise InputError(
                N_("victim category %(category)s is not one of %(allowed)s"),
                field="victims",
                category=repr(victim.category),
                allowed=VICTIM_CATEGORIES,
            )
    shas = _resolve_items(project, evidence_items)
    with project.engine.begin() as conn:
        row = conn.execute(select(entities.c.schema).where(entities.c.id == actor)).first()
        if row is None:
            raise QantarError(N_("no entity %(entity)s in the register"), entity=repr(actor))
        for victim in victims:
            if (
                victim.record_id is not None
                and not conn.execute(
                    select(records.c.id).where(records.c.id == victim.record_id)
                ).first()
            ):
                raise InputError(
                    N_("no record %(record)s"), field="victims", record=victim.record_id
                )
        result = conn.execute(
            insert(responsibility).values(
                actor_id=actor,
                incident_id=incident,
                role=role,
                abuses=chosen,
                source=source.strip(),
                confidence=confidence,
                note=note,
                created_by=created_by or default_actor(),
                created_at=now_utc(),
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        link_id = int(key[0])
        for sha in dict.fromkeys(shas):
            conn.execute(
                insert(responsibility_evidence).values(responsibility_id=link_id, item_sha256=sha)
            )
        for victim in victims:
            conn.execute(
                insert(responsibility_victims).values(
                    responsibility_id=link_id,
                    record_id=victim.record_id,
                    person_id=victim.person_id,
                    category=victim.category,
                )
            )
    return link_id


def responsibilities(project: Project, actor: str | None = None) -> list[dict[str, Any]]:
    """Links (of one actor, or all), each with its evidence hashes and victim references."""
    with project.engine.connect() as conn:
        query = select(responsibility).order_by(responsibility.c.id)
        if actor is not None:
            query = query.where(responsibility.c.actor_id == actor)
        rows = [dict(r) for r in conn.execute(query).mappings()]
        for row in rows:
            row["evidence"] = [
                r[0]
                for r in conn.execute(
                    select(responsibility_evidence.c.item_sha256).where(
                        responsibility_evidence.c.responsibility_id == row["id"]
                    )
                )
            ]
            row["victims"] = [
                {"record_id": r[0], "person_id": r[1], "category": r[2]}
                for r in conn.execute(
                    select(
                        responsibility_victims.c.record_id,
                        responsibility_victims.c.person_id,
                        responsibility_victims.c.category,
                    )
                    .where(responsibility_victims.c.responsibility_id == row["id"])
                    .order_by(responsibility_victims.c.id)
                )
            ]
    return rows


def add_contrary(
    project: Project,
    *,
    statement: str,
    source: str,
    subject: str | None = None,
    incident: int | None = None,
    response: str | None = None,
) -> int:
    """Record contrary or exculpatory information (and the submitter's response)."""
    if not statement.strip() or not source.strip():
        raise InputError(N_("contrary information needs a statement and its source"))
    with project.engine.begin() as conn:
        result = conn.execute(
            insert(contrary).values(
                subject_id=subject,
                incident_id=incident,
                statement=statement.strip(),
                source=source.strip(),
                response=response,
                created_at=now_utc(),
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def contrary_information(
    project: Project, *, subject: str | None = None, incidents: Sequence[int] = ()
) -> list[dict[str, Any]]:
    """Contrary information about the subject, the given incidents, or the events at large."""
    with project.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(contrary).order_by(contrary.c.id)).mappings()]
    return [
        r
        for r in rows
        if (r["subject_id"] is None and r["incident_id"] is None)
        or (subject is not None and r["subject_id"] == subject)
        or (r["incident_id"] is not None and r["incident_id"] in incidents)
    ]
