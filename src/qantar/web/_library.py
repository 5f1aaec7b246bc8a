"""Every call the web app makes into the library, in one thin module: routes never touch
SQL, and they reach the areas through the project's facade (``project.<area>``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qantar import accounts
from qantar.accounts import AccountRuleError, AuditEvent, Enrolment, Session, User
from qantar.errors import QantarError
from qantar.i18n import speaker
from qantar.ingest import FixResult, ImportResult, RegistrySummary, iter_quarantine
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
from qantar.link._backend import memory_scratch_root
from qantar.model.cells import safe_cell
from qantar.notes import say
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


def place_label(project: Project, place_id: str | None, lang: str) -> str | None:
    """A place by its gazetteer id (an estimate's region or place stratum), in ``lang``."""
    return project.gazetteer.label(place_id, lang)


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


# --- Evidence, estimates and reports (the pages of _evidence_pages, _estimate_pages and
# _report_pages). Custody events carry the signed-in account's name as their actor.


@dataclass(frozen=True)
class EvidenceRow:
    """An item as the list shows it; ``withheld``: its consent was withdrawn, so what its
    file name or collection record could say of a person is not shown."""

    sha256: str
    media_type: str
    size: int
    added_at: str
    original_name: str | None
    collected_by: str | None
    withheld: bool


def evidence_rows(project: Project) -> list[EvidenceRow]:
    from qantar.evidence import consent_withdrawn_items

    items = project.evidence.items()
    withdrawn = consent_withdrawn_items(project, [i["sha256"] for i in items])
    rows = []
    for i in items:
        hidden = i["sha256"] in withdrawn
        rows.append(
            EvidenceRow(
                sha256=i["sha256"],
                media_type=i["media_type"],
                size=int(i["size"]),
                added_at=str(i["added_at"]),
                original_name=None if hidden else i["original_name"],
                collected_by=None if hidden else i["collected_by"],
                withheld=hidden,
            )
        )
    return rows


def evidence_add(
    project: Project, path: Path, *, by: str, fields: dict[str, str | None],
    incident: int | None, person: str | None,
) -> Any:  # fmt: skip
    results = project.evidence.add(
        [path], collected_by=fields.get("collected_by"), collected_at=fields.get("collected_at"),
        source_url=fields.get("source_url"), place=fields.get("place"),
        from_whom=fields.get("from_whom"), how=fields.get("how") or "qantar web upload",
        note=fields.get("note"), incident=incident, person=person, actor=by,
    )  # fmt: skip
    return results[0]


def evidence_item(project: Project, item: str, *, by: str) -> dict[str, Any]:
    """Everything the item's page shows (opening it is a ``viewed`` custody event): the
    item, near duplicates, and the archive's last clean verification after its addition.
    With consent withdrawn, the file name, collection texts, metadata and claims are
    left out, and near duplicates are named by hash only."""
    from qantar.evidence import consent_withdrawn_items, show_item, similar

    data = show_item(project, item, actor=by)
    sha = data["sha256"]
    near = similar(project, sha)
    withdrawn = consent_withdrawn_items(project, [sha, *(s.sha256 for s in near)])
    data["withheld"] = sha in withdrawn
    if data["withheld"]:
        data["original_name"] = None
        data["collections"] = [{"custody_seq": c["custody_seq"]} for c in data["collections"]]
        data["metadata"] = []
        data["claims"] = []
    data["similar"] = [
        {**s.__dict__, "original_name": None if s.sha256 in withdrawn else s.original_name}
        for s in near
    ]
    first = data["custody"][0]["seq"] if data["custody"] else 0
    clean = [
        e for e in project.evidence.custody() if e["action"] == "verified" and e["seq"] > first
    ]
    data["verified"] = clean[-1] if clean else None
    data.pop("object", None)  # a path on the server's disk: not for a page
    return data


def evidence_attach(
    project: Project, item: str, *, incident: int | None, person: str | None, by: str
) -> str:
    from qantar.evidence import attach

    return attach(project, item, incident=incident, person=person, actor=by)


def evidence_verify(project: Project) -> Any:
    return project.evidence.verify()


def incidents(project: Project) -> list[dict[str, Any]]:
    from qantar.evidence import list_incidents

    return list_incidents(project)


def evidence_export(project: Project, out: Path, *, incident: int | None, by: str) -> Any:
    """The court bundle (every item, unredacted): a custody event names ``by``."""
    return project.evidence.export(out, incident=incident, actor=by)


def estimate_runs(project: Project) -> list[dict[str, Any]]:
    """The saved runs, newest first: each its folder's name and result.json."""
    out = []
    for folder in reversed(project.estimate.runs()):
        try:
            result = project.estimate.result(folder)  # warnings worded on the page
        except (OSError, ValueError):
            continue  # a run cut short: not listed
        out.append({"name": folder.name, "result": result})
    return out


def estimate_run(project: Project, name: str) -> dict[str, Any] | None:
    """One saved run by its folder's name (one of the listed runs, never a path)."""
    for run in estimate_runs(project):
        if run["name"] == name:
            folder = project.runs_dir / name
            run["plots"] = sorted(p.name for p in folder.glob("*.png"))
            return run
    return None


def estimate_plot(project: Project, name: str, plot: str) -> Path | None:
    """A plot of a saved run, found among the run's own files (never a path built from
    what the request said)."""
    for folder in project.estimate.runs():
        if folder.name == name:
            for path in folder.iterdir():
                if path.name == plot and path.suffix in (".png", ".svg") and path.is_file():
                    return path
    return None


def estimate_plot_in(project: Project, path: Path, lang: str) -> bytes | None:
    """A saved run's plot (``estimate_plot``'s file) drawn again in ``lang``: titles and
    labels in the reader's words, a region stratum by its place's name."""
    from qantar.estimate import POOLED, PlotWords, saved_plot

    talk = speaker(lang)

    def stratum(code: str) -> str:
        if code == POOLED:
            return talk.gettext(POOLED)
        return project.gazetteer.label(code, lang) or code

    key = (str(path), path.stat().st_mtime_ns, lang)
    if key not in _PLOTS_DRAWN:
        if len(_PLOTS_DRAWN) >= 64:
            _PLOTS_DRAWN.pop(next(iter(_PLOTS_DRAWN)))
        _PLOTS_DRAWN[key] = saved_plot(path.parent, path.name, PlotWords(talk.gettext, stratum))
    return _PLOTS_DRAWN[key]


# Plots drawn again per language, the most recent few: drawing one takes a moment and a
# page shows several. They hold counts and place names, never a person's name.
_PLOTS_DRAWN: dict[tuple[str, int, str], bytes | None] = {}


def run_estimate(project: Project, **options: Any) -> str:
    """A new saved estimate run; returns its folder's name."""
    run = project.estimate.run(**options)
    assert run.folder is not None
    return run.folder.name


def build_report(project: Project, out: Path, *, lang: str) -> Any:
    """The public report (counts, never names) in ``lang``, its plots beside it."""
    from qantar.publish import collect_report_data, render_report

    return render_report(collect_report_data(project), out, lang=lang)


def build_memorial(project: Project, out: Path) -> Any:
    """The memorial site, as consent and the rules allow (the library redacts)."""
    return project.publish.memorial(out)


# Quarantine: rows set aside at import, seen, fixed and downloaded by a documenter.
QUARANTINE_CSV_COLUMNS = (
    "id", "row", "column", "value", "reason", "reason_in_words", "row_kept", "fixed_by",
    "fixed_at", "raw_cells",
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


def quarantine_csv(
    project: Project, batch_id: int, gettext: Callable[[str], str] = lambda text: text
) -> str:
    """A batch's quarantine as CSV, every cell made safe for a spreadsheet. ``reason`` is
    the English text as stored (what scripts and other tools read); ``reason_in_words`` is
    the same reason in the language of ``gettext`` (the reader who downloads it)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(QUARANTINE_CSV_COLUMNS)
    for e in project.sources.quarantine(batch=batch_id):
        raw = e["raw_cells"]
        cells = (
            [e["id"], e["row_number"], e["column"] or "", e["value"] or "", e["reason"],
             say(e["reason"], gettext), "yes" if e["row_kept"] else "no", e["fixed_by"] or "",
             e["fixed_at"].isoformat() if e["fixed_at"] else "",
             json.dumps(raw, ensure_ascii=False) if raw is not None else ""]
        )  # fmt: skip
        writer.writerow([safe_cell(c) for c in cells])
    return out.getvalue()


# Where an encrypted project's plaintext scratch may go (memory-backed; as linkage's).
memory_folder = memory_scratch_root
