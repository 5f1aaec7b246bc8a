"""qantar.publish: what the public may see — the report and the memorial list.

    from qantar.publish import collect_report_data, render_report, publish_memorial
    data = collect_report_data(project)          # every number, from the other areas' functions
    render_report(data, "report.html", pdf="report.pdf")
    publish_memorial(project, "site/")           # index.html, memorial.csv, memorial.json

Publication status per person (``publish``, ``initials-only``, ``withhold``) comes from an
explicit consent decision (``record_consent``), else the rules in qantar.toml ``[publish]``,
else the conservative default ``initials-only``. ``public_persons`` is the only door to
person data for public outputs: withheld persons are absent, the rest already redacted.
"""

from qantar.publish._consent import (
    ConsentDecision,
    StatusExplained,
    consent_decisions,
    explain_status,
    explain_statuses,
    publication_status,
    record_consent,
)
from qantar.publish._data import ReportData, collect_report_data, report_estimate_run
from qantar.publish._memorial import MemorialResult, publish_memorial
from qantar.publish._public import PublicPerson, public_persons
from qantar.publish._report import ReportResult, render_html, render_report
from qantar.publish._rules import DEFAULT_STATUS, STATUSES, load_rules

__all__ = [
    "DEFAULT_STATUS",
    "STATUSES",
    "ConsentDecision",
    "MemorialResult",
    "PublicPerson",
    "ReportData",
    "ReportResult",
    "StatusExplained",
    "collect_report_data",
    "consent_decisions",
    "explain_status",
    "explain_statuses",
    "load_rules",
    "public_persons",
    "publication_status",
    "publish_memorial",
    "record_consent",
    "render_html",
    "render_report",
    "report_estimate_run",
]
