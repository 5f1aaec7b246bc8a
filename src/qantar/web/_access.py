"""Who may use which route: every route's permission, in one table beside the roles'.

A route missing here is refused to everyone (and fails the test that walks the routes).
``None`` marks the few routes anyone may reach: sign-in, enrolment, the language switcher
and the stylesheet.
"""

from __future__ import annotations

from qantar.accounts import Permission

PUBLIC = None

ROUTES: dict[str, Permission | None] = {
    "static": PUBLIC,
    "set_language": PUBLIC,
    "login_form": PUBLIC,
    "login": PUBLIC,
    "enrol_form": PUBLIC,
    "enrol": PUBLIC,
    "home": Permission.HOME,
    "account": Permission.HOME,
    "account_language": Permission.HOME,
    "logout": Permission.HOME,
    "logout_everywhere": Permission.HOME,
    "dashboard": Permission.DASHBOARD,
    "persons": Permission.PERSONS,
    "persons_search": Permission.PERSONS,
    "person": Permission.PERSONS,
    "consent_form": Permission.CONSENT,
    "consent": Permission.CONSENT,
    "memorial": Permission.MEMORIAL,
    "import_form": Permission.IMPORT,
    "import_preview": Permission.IMPORT,
    "import_confirm": Permission.IMPORT,
    "quarantine": Permission.IMPORT,
    "quarantine_csv": Permission.IMPORT,
    "quarantine_fix_form": Permission.IMPORT,
    "quarantine_fix": Permission.IMPORT,
    "users": Permission.USERS,
    "users_add": Permission.USERS,
    "users_disable": Permission.USERS,
    "users_reset": Permission.USERS,
    "audit": Permission.AUDIT,
    "audit_csv": Permission.AUDIT,
    # the review queue (web/_review_pages.py)
    "review": Permission.REVIEW,
    "review_decide": Permission.REVIEW,
    "adjudication": Permission.ADJUDICATE,
    "adjudicate": Permission.ADJUDICATE,
    "recluster": Permission.ADJUDICATE,
    # Evidence, estimates and reports (_evidence_pages, _estimate_pages, _report_pages).
    "evidence_list": Permission.EVIDENCE,
    "evidence_add_form": Permission.EVIDENCE,
    "evidence_add": Permission.EVIDENCE,
    "evidence_item": Permission.EVIDENCE,
    "evidence_attach": Permission.EVIDENCE,
    "evidence_verify": Permission.EVIDENCE,
    "evidence_export_form": Permission.EVIDENCE_EXPORT,
    "evidence_export": Permission.EVIDENCE_EXPORT,
    "estimates": Permission.ESTIMATES,
    "estimate_run": Permission.ESTIMATES,
    "estimate_job": Permission.ESTIMATES,
    "estimate_job_status": Permission.ESTIMATES,
    "estimate_result": Permission.ESTIMATES,
    "estimate_plot": Permission.ESTIMATES,
    "reports": Permission.REPORT,
    "report_build": Permission.REPORT,
    "memorial_export_form": Permission.MEMORIAL_EXPORT,
    "memorial_export": Permission.MEMORIAL_EXPORT,
}

# Routes whose POST may carry a large file, with the [web] setting that bounds it (every
# other POST is bounded by max_upload_mb).
UPLOAD_LIMITS: dict[str, str] = {"evidence_add": "max_evidence_mb"}
