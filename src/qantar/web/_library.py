"""Every call the web app makes into the library, in one thin module: routes never touch
SQL, and they reach the areas through the project's facade (``project.<area>``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qantar import accounts
from qantar.accounts import AuditEvent, Enrolment, Session, User
from qantar.errors import QantarError
from qantar.ingest import ImportResult, RegistrySummary, iter_quarantine
from qantar.link import (
    Agreement,
    FieldRow,
    Lease,
    PairDecision,
    PairHistory,
    PersonChanges,
    ReviewItem,
    ReviewProgress,
)
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
    "AuditEvent",
    "ConsentDecision",
    "Enrolment",
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


# Review (the team's queue; web/_review_pages.py).
def review_lease(project: Project, reviewer: str) -> Lease | None:
    return project.review.lease_next(reviewer)


def review_pair(project: Project, key_a: str, key_b: str) -> ReviewItem | None:
    return project.review.pair(key_a, key_b)


def review_rows(project: Project, item: ReviewItem, lang: str) -> list[FieldRow]:
    return project.review.pair_rows(item, lang)


def review_decide(
    project: Project, reviewer: str, key_a: str, key_b: str, decision: str, note: str | None
) -> PairDecision:
    return project.review.decide_keys(key_a, key_b, decision, reviewer=reviewer, note=note)


def review_skip(project: Project, reviewer: str, key_a: str, key_b: str) -> None:
    project.review.skip(reviewer, key_a, key_b)


def review_progress(project: Project) -> ReviewProgress:
    return project.review.progress()


def review_conflicts(project: Project) -> list[PairHistory]:
    return project.review.conflicts()


def review_adjudicate(
    project: Project, admin: str, key_a: str, key_b: str, decision: str, note: str | None
) -> PairDecision:
    return project.review.adjudicate(key_a, key_b, decision, admin=admin, note=note)


def review_agreement(project: Project) -> Agreement:
    return project.review.agreement()


def review_recluster(project: Project) -> PersonChanges:
    return project.review.recluster()
