"""Every call the web app makes into the library, in one thin module: routes never touch
SQL, and they reach the areas through the project's facade (``project.<area>``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qantar import accounts
from qantar.accounts import AccountRuleError, AuditEvent, Enrolment, Session, User
from qantar.errors import QantarError
from qantar.ingest import FixResult, ImportResult, RegistrySummary, iter_quarantine
from qantar.model.cells import safe_cell
from qantar.project import Project
from qantar.publish import (
    STATUSES,
    ConsentDecision,
    PersonCard,
    PublicPerson,
    consent_decisions,
    find_persons,
    person_card,
)

__all__ = [
    "STATUSES",
    "AccountRuleError",
    "AuditEvent",
    "ConsentDecision",
    "Enrolment",
    "FixResult",
    "ImportResult",
    "PersonCard",
    "PublicPerson",
    "Session",
    "User",
]

# Accounts and audit.
add_user = accounts.add_user
list_users = accounts.list_users
disable_user = accounts.disable_user
reset_user = accounts.reset_user
set_account_language = accounts.set_language
authenticate = accounts.authenticate
enrolment_user = accounts.enrolment_user
complete_enrolment = accounts.complete_enrolment
new_totp_secret = accounts.new_totp_secret
totp_uri = accounts.totp_uri
start_session = accounts.start_session
session_for = accounts.session_for
end_session = accounts.end_session
end_all_sessions = accounts.end_all_sessions
recent_failures = accounts.recent_failures
audit = accounts.audit
audit_log = accounts.audit_log
audit_csv = accounts.audit_csv

# Persons and consent.
find = find_persons
card = person_card


def public(project: Project) -> list[PublicPerson]:
    return project.publish.export()


def place_in(project: Project, label: str | None, lang: str) -> str | None:
    """A place the publish rows carry by its gazetteer label, in the reader's language."""
    return project.gazetteer.in_language(label, lang) if label else label


def consent_history(project: Project, person_id: str) -> list[ConsentDecision]:
    return [d for d in consent_decisions(project) if d.person_id == person_id]


def decide_consent(
    project: Project, person_id: str, status: str, *, by: str, note: str | None
) -> ConsentDecision:
    return project.publish.consent(person_id, status, by=by, note=note)


def memorial_preview(project: Project, person_id: str) -> PublicPerson | None:
    """What the memorial shows of this person (None: absent from it)."""
    for person in project.publish.export():
        if person.person_id == person_id:
            return person
    return None


# Dashboard.
@dataclass(frozen=True)
class Dashboard:
    registry: RegistrySummary
    linkage: dict[str, Any] | None
    estimate_run: str | None


def dashboard(project: Project) -> Dashboard:
    from qantar.publish import collect_report_data

    summary = project.sources.list()
    linkage: dict[str, Any] | None = None
    run: str | None = None
    if summary.sources:
        try:
            data = collect_report_data(project)
        except QantarError:
            data = None
        if data is not None:
            if data.linkage is not None:
                linkage = dict(data.linkage.__dict__)
            run = data.estimate_run
    return Dashboard(summary, linkage, run)


# Import.
def preview_import(project: Project, path: Path, *, source: str, kind: str | None) -> ImportResult:
    return project.sources.import_file(path, source=source, kind=kind, dry_run=True)


def run_import(
    project: Project, path: Path, *, source: str, kind: str | None, by: str
) -> ImportResult:
    return project.sources.import_file(path, source=source, kind=kind, by=by)


def quarantined(project: Project, batch_id: int) -> list[dict[str, Any]]:
    return [q for q in iter_quarantine(project) if q.get("batch_id") == batch_id]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# Quarantine: rows set aside at import, seen, fixed and downloaded by a documenter.
QUARANTINE_CSV_COLUMNS = (
    "id", "row", "column", "value", "reason", "row_kept", "fixed_by", "fixed_at", "raw_cells",
)  # fmt: skip


def batch_info(project: Project, batch_id: int) -> dict[str, Any] | None:
    """A live batch (None: no such batch, or taken back)."""
    for batch in project.sources.batches():
        if batch["batch_id"] == batch_id and batch["state"] == "live":
            return batch
    return None


def batches_with_quarantine(project: Project) -> list[dict[str, Any]]:
    """Live batches that set rows or fields aside, newest first."""
    batches = [b for b in project.sources.batches() if b["state"] == "live"]
    held = {q["batch_id"] for q in project.sources.quarantine()}
    return [b for b in reversed(batches) if b["batch_id"] in held]


def quarantine_entry(project: Project, batch_id: int, entry_id: int) -> dict[str, Any] | None:
    for entry in project.sources.quarantine(batch=batch_id):
        if entry["id"] == entry_id:
            return entry
    return None


def quarantined_row(project: Project, entry_id: int) -> dict[str, str]:
    return project.sources.quarantined_row(entry_id)


def fix_row(project: Project, entry_id: int, corrected: dict[str, str], *, by: str) -> FixResult:
    return project.sources.fix_quarantined(entry_id, corrected, by=by)


def quarantine_csv(project: Project, batch_id: int) -> str:
    """A batch's quarantine as CSV, every cell made safe for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(QUARANTINE_CSV_COLUMNS)
    for e in project.sources.quarantine(batch=batch_id):
        raw = e["raw_cells"]
        cells = (
            [e["id"], e["row_number"], e["column"] or "", e["value"] or "", e["reason"],
             "yes" if e["row_kept"] else "no", e["fixed_by"] or "",
             e["fixed_at"].isoformat() if e["fixed_at"] else "",
             json.dumps(raw, ensure_ascii=False) if raw is not None else ""]
        )  # fmt: skip
        writer.writerow([safe_cell(c) for c in cells])
    return out.getvalue()
