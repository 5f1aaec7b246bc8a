"""qantar.accounts: the team's accounts, roles and the audit log (the web app's library).

    from qantar.accounts import add_user, authenticate, audit
    enrolment = add_user(project, "aigerim", "liaison", by="admin")
    print(enrolment.link("https://qantar.example.org"))   # shown once
    audit(project, "aigerim", "consent.decide", "P12", address="10.0.0.5")

The CLI's commands land in the same log (``qantar.accounts.audit`` with the OS user or
``--by``), so one log answers "who did what" whatever the door.
"""

from qantar._actor import default_actor
from qantar.accounts._audit import FAILED, OK, REFUSED, AuditEvent, audit, audit_csv, audit_log
from qantar.accounts._roles import (
    PERMISSIONS,
    WITHOUT_TOTP,
    Permission,
    Role,
    allowed,
    needs_totp,
    parse_role,
)
from qantar.accounts._users import (
    ENROL_VALID,
    LOCKED_FOR,
    MAX_FAILURES,
    AccountRuleError,
    AuthError,
    Enrolment,
    Session,
    User,
    add_user,
    authenticate,
    check_password_strength,
    complete_enrolment,
    disable_user,
    end_all_sessions,
    end_session,
    enrolment_user,
    get_user,
    list_users,
    new_totp_secret,
    recent_failures,
    reset_user,
    session_for,
    set_language,
    start_session,
    totp_uri,
)

__all__ = [
    "ENROL_VALID",
    "FAILED",
    "LOCKED_FOR",
    "MAX_FAILURES",
    "OK",
    "PERMISSIONS",
    "REFUSED",
    "WITHOUT_TOTP",
    "AccountRuleError",
    "AuditEvent",
    "AuthError",
    "Enrolment",
    "Permission",
    "Role",
    "Session",
    "User",
    "add_user",
    "allowed",
    "audit",
    "audit_csv",
    "audit_log",
    "authenticate",
    "check_password_strength",
    "complete_enrolment",
    "default_actor",
    "disable_user",
    "end_all_sessions",
    "end_session",
    "enrolment_user",
    "get_user",
    "list_users",
    "needs_totp",
    "new_totp_secret",
    "parse_role",
    "recent_failures",
    "reset_user",
    "session_for",
    "set_language",
    "start_session",
    "totp_uri",
]
