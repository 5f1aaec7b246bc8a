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
}
