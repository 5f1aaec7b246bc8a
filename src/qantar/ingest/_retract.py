"""Taking an import back: a batch leaves the registry, nothing is deleted.

A list imported into the wrong source, with a wrong mapping, or twice, must be taken back
without losing what people decided. Its records are marked retracted: every reader of the
registry (link, counts, estimates, publication) leaves them out, and persons are clustered
again at once from the last run's scored pairs. The raw rows stay verbatim, the records
keep their keys, and review decisions and consent given on those keys stay stored: they are
listed as kept aside, and they apply again if the same rows are imported again (the same
file into the same source gets the same keys back).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update

from qantar._actor import default_actor
from qantar.errors import N_, InputError, QantarError
from qantar.model.dicts import jsonable
from qantar.project import Project
from qantar.store.schema import import_batches, records, sources


@dataclass(frozen=True)
class Retraction:
    """What ``retract_batch`` did, and which human decisions it set aside."""

    batch_id: int
    source: str
    file_name: str
    records: int
    by: str
    reason: str
    retracted_at: dt.datetime
    # Persons clustered again now (a link run existed), or at the next `qantar link`.
    reclustered: bool
    review_decisions: list[dict[str, Any]] = field(default_factory=list)
    consent_decisions: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "batch_id": self.batch_id,
                "source": self.source,
                "file_name": self.file_name,
                "records": self.records,
                "by": self.by,
                "reason": self.reason,
                "retracted_at": self.retracted_at.isoformat(),
                "reclustered": self.reclustered,
                "review_decisions_kept_aside": self.review_decisions,
                "consent_decisions_kept_aside": self.consent_decisions,
            }
        )


def retract_batch(
    project: Project, batch_id: int, *, reason: str, by: str | None = None
) -> Retraction:
    """Take batch ``batch_id`` back (``qantar import --undo``): its records leave the
    registry, the retraction is stored with who, when and why. Raises ``InputError`` for an
    unknown or already retracted batch, or without a reason."""
    # Imported here: linkage and publication read the registry, so they import this package.
    from qantar.link import current_decisions, forget_records, recluster
    from qantar.publish import consent_decisions

    if not reason or not reason.strip():
        raise InputError(N_("say why the batch is taken back: --reason TEXT"))
    who = (by or "").strip() or default_actor()
    now = dt.datetime.now(dt.UTC)
    engine = project.engine
    with engine.begin() as conn:
        batch = conn.execute(
            select(import_batches, sources.c.name.label("source"))
            .join(sources, sources.c.id == import_batches.c.source_id)
            .where(import_batches.c.id == batch_id)
        ).first()
        if batch is None:
            raise InputError(
                N_("there is no batch %(batch)s; see `qantar batches`"), batch=batch_id
            )
        if batch.retracted_at is not None:
            raise InputError(
                N_("batch %(batch)s was already taken back on %(date)s by %(who)s"),
                batch=batch_id,
                date=batch.retracted_at.date().isoformat(),
                who=batch.retracted_by,
            )
        rows = conn.execute(
            select(records.c.id, records.c.record_key).where(records.c.batch_id == batch_id)
        ).all()
        conn.execute(update(records).where(records.c.batch_id == batch_id).values(retracted=True))
        conn.execute(
            update(import_batches)
            .where(import_batches.c.id == batch_id)
            .values(retracted_at=now, retracted_by=who, retraction_reason=reason.strip())
        )
        forget_records(conn, [int(r.id) for r in rows])
    keys = {str(r.record_key) for r in rows if r.record_key}
    try:
        recluster(project)
        reclustered = True
    except QantarError:  # no link run yet: the first `qantar link` will not see them
        reclustered = False
    review = [
        {
            "record_key_a": d.record_key_a,
            "record_key_b": d.record_key_b,
            "decision": d.decision,
            "reviewer": d.reviewer,
            "decided_at": d.decided_at.isoformat(),
        }
        for d in current_decisions(project).values()
        if d.record_key_a in keys or d.record_key_b in keys
    ]
    consent = [
        {
            "id": d.id,
            "person_id": d.person_id,
            "status": d.status,
            "decided_by": d.decided_by,
            "decided_at": d.decided_at.isoformat(),
            "records_taken_back": len(keys.intersection(d.record_keys)),
            "records": len(d.record_keys),
        }
        for d in consent_decisions(project)
        if keys.intersection(d.record_keys)
    ]
    return Retraction(
        batch_id=batch_id,
        source=str(batch.source),
        file_name=str(batch.file_name),
        records=len(rows),
        by=who,
        reason=reason.strip(),
        retracted_at=now,
        reclustered=reclustered,
        review_decisions=review,
        consent_decisions=consent,
    )
