"""Whether a victim's name may appear in a dossier: one function, for the lead to rewire.

Until the publication-rules area lands, the rule is the safest one: a victim's name is
withheld unless a person decided, on a recorded basis, that it may be published
(``mark_victim_publishable``). Everything that shows a victim goes through
``victim_display`` so that swapping the rule changes every output at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from qantar.accountability._common import default_actor, now_utc
from qantar.accountability._tables import victim_publication
from qantar.errors import InputError
from qantar.project import Project
from qantar.store.schema import records

WITHHELD = "name withheld"


@dataclass(frozen=True)
class VictimDisplay:
    label: str  # what an output may print
    withheld: bool
    reason: str  # why (for the redaction log: counts and reasons, never values)


def _record_name(conn: Connection, record_id: int) -> str | None:
    row = conn.execute(
        select(
            records.c.name_raw, records.c.surname_raw, records.c.given_raw, records.c.patronymic_raw
        ).where(records.c.id == record_id)
    ).first()
    if row is None:
        return None
    if row[0]:
        return str(row[0])
    parts = [p for p in row[1:] if p]
    return " ".join(parts) if parts else None


def _decision(conn: Connection, record_id: int | None, person_id: str | None) -> bool | None:
    query = select(victim_publication.c.publishable).order_by(victim_publication.c.id.desc())
    if record_id is not None:
        query = query.where(victim_publication.c.record_id == record_id)
    elif person_id is not None:
        query = query.where(victim_publication.c.person_id == person_id)
    else:
        return None
    row = conn.execute(query.limit(1)).first()
    return None if row is None else bool(row[0])


def victim_display(
    conn: Connection, *, record_id: int | None, person_id: str | None, ordinal: int
) -> VictimDisplay:
    """How victim number ``ordinal`` of a list may be shown. THE publication rule."""
    placeholder = f"Victim {ordinal} ({WITHHELD})"
    decision = _decision(conn, record_id, person_id)
    if decision is not True:
        reason = (
            "withheld: marked not publishable"
            if decision is False
            else "withheld by default: nobody marked this person publishable"
        )
        return VictimDisplay(placeholder, True, reason)
    name = _record_name(conn, record_id) if record_id is not None else None
    if not name:
        return VictimDisplay(f"Victim {ordinal}", False, "publishable, but no name on record")
    return VictimDisplay(name, False, "marked publishable")


def mark_victim_publishable(
    project: Project,
    *,
    record_id: int | None = None,
    person_id: str | None = None,
    publishable: bool = True,
    basis: str,
    decided_by: str | None = None,
) -> int:
    """Record the decision (with its basis: consent, already officially published...)."""
    if (record_id is None) == (person_id is None):
        raise InputError("give exactly one of a record id or a person id")
    if not basis or not basis.strip():
        raise InputError("a publication decision needs its basis", field="basis")
    with project.engine.begin() as conn:
        result = conn.execute(
            insert(victim_publication).values(
                record_id=record_id,
                person_id=person_id,
                publishable=publishable,
                basis=basis.strip(),
                decided_by=decided_by or default_actor(),
                decided_at=now_utc(),
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])
