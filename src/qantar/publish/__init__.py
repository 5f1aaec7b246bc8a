"""qantar.publish: what the public may see — the report and the memorial list.

    from qantar.publish import collect_report_data, render_report, publish_memorial
    data = collect_report_data(project)          # every number, from the other areas' functions
    render_report(data, "report.html", pdf="report.pdf")
    publish_memorial(project, "site/")           # index.html, memorial.csv, memorial.json

Publication status per person (``publish``, ``initials-only``, ``withhold``) comes from an
explicit consent decision (``decide_publication``) made for exactly the person's records, else
what the lists say ("не публиковать"), else the rules in qantar.toml ``[publish]``, else the
conservative default ``initials-only``. When linkage splits or merges a person a decision
was made for, the most restrictive status involved applies until someone decides again
(``pending_consent``). ``public_persons`` is the only door to person data for public
outputs (withheld persons absent, the rest already redacted) and ``public_text`` the only
door for free text.
"""

from qantar.publish._consent import (
    ConsentDecision,
    PendingConsent,
    StatusExplained,
    consent_decisions,
    decide_publication,
    explain_status,
    explain_statuses,
    pending_consent,
    publication_status,
)
from qantar.publish._data import ReportData, collect_report_data, report_estimate_run
from qantar.publish._lookup import PersonCard, choose_spelling, find_persons, person_card
from qantar.publish._memorial import MemorialResult, publish_memorial
from qantar.publish._public import (
    PublicPerson,
    PublicView,
    TextGuard,
    public_persons,
    public_text,
    public_view,
)
from qantar.publish._report import ReportResult, render_html, render_report, robustness_json
from qantar.publish._rules import DEFAULT_STATUS, STATUSES, load_rules

__all__ = [
    "DEFAULT_STATUS",
    "STATUSES",
    "ConsentDecision",
    "MemorialResult",
    "PendingConsent",
    "PersonCard",
    "PublicPerson",
    "PublicView",
    "ReportData",
    "ReportResult",
    "StatusExplained",
    "TextGuard",
    "choose_spelling",
    "collect_report_data",
    "consent_decisions",
    "decide_publication",
    "explain_status",
    "explain_statuses",
    "find_persons",
    "load_rules",
    "pending_consent",
    "person_card",
    "public_persons",
    "public_text",
    "public_view",
    "publication_status",
    "publish_memorial",
    "render_html",
    "render_report",
    "report_estimate_run",
    "robustness_json",
]
