"""The accounts tables, on the shared metadata; migration ``0007_web_accounts`` creates them.

Nothing here holds a name of a person in the lists: an account name is the login handle of
a team member, and the audit log names accounts and ids, never what a record says.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table

from qantar.store.schema import metadata

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(200)),
    Column("totp_secret", String(64)),
    # The time step of the last code accepted: a code seen once is never accepted again.
    Column("totp_last_step", Integer),
    Column("enrol_token_hash", String(64), unique=True),
    Column("enrol_expires_at", DateTime(timezone=True)),
    Column("failed_logins", Integer, nullable=False, server_default="0"),
    Column("locked_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
    # The language the account reads the web app in; None follows the browser.
    Column("language", String(8)),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("address", String(64)),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id")),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("address", String(64)),
    Column("succeeded", Boolean, nullable=False),
)

recovery_codes = Table(
    "recovery_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("code_hash", String(200), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(60), nullable=False),
    Column("target", String(200)),
    Column("address", String(64)),
    Column("outcome", String(20), nullable=False),
)
