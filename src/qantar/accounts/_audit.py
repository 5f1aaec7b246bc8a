"""The audit log: append-only, one row per write, export, view of a person, and refusal.

Rows name the account (or the OS user for the CLI), the action, and an id as the target;
never a name of the lists and never a search term.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from qantar.accounts._tables import audit_events
from qantar.model.cells import safe_cell
from qantar.project import Project

OK = "ok"
REFUSED = "refused"
FAILED = "failed"


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: dt.datetime
    actor: str
    action: str
    target: str | None
    address: str | None
    outcome: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "at": self.at.isoformat()}


def audit(
    project: Project,
    actor: str,
    action: str,
    target: str | None = None,
    *,
    address: str | None = None,
    outcome: str = OK,
) -> None:
    """Append one event. ``target`` is an id (a person id, an account name, a batch id)."""
    with project.engine.begin() as conn:
        conn.execute(
            insert(audit_events).values(
                at=dt.datetime.now(dt.UTC),
                actor=(actor or "unknown")[:200],
                action=action[:60],
                target=None if target is None else str(target)[:200],
                address=None if address is None else address[:64],
                outcome=outcome,
            )
        )


def audit_log(project: Project, *, limit: int | None = None) -> list[AuditEvent]:
    """Events, newest first."""
    query = select(audit_events).order_by(audit_events.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    with project.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        AuditEvent(r.id, _aware(r.at), r.actor, r.action, r.target, r.address, r.outcome)
        for r in rows
    ]


def audit_csv(project: Project) -> str:
    """The whole log as CSV, oldest first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at", "actor", "action", "target", "address", "outcome"])
    for e in reversed(audit_log(project)):
        cells = [e.id, e.at.isoformat(), e.actor, e.action, e.target or "", e.address or "",
                 e.outcome]  # fmt: skip
        writer.writerow([safe_cell(c) for c in cells])
    return out.getvalue()


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
