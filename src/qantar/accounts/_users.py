"""Accounts: enrolment by a one-time link, argon2id passwords, TOTP, recovery codes,
lockout after repeated failures, and server-side sessions with an idle timeout."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update

from qantar.accounts._roles import Role, needs_totp, parse_role
from qantar.accounts._tables import login_attempts, recovery_codes, sessions, users
from qantar.errors import N_, InputError, QantarError
from qantar.i18n import LANGUAGES
from qantar.project import Project

ENROL_VALID = dt.timedelta(hours=72)
MAX_FAILURES = 5  # failed sign-ins in a row before the account is locked
LOCKED_FOR = dt.timedelta(minutes=15)
MIN_PASSWORD = 12
RECOVERY_CODES = 10
ISSUER = "qantar"

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile.
_hasher = PasswordHasher()
# Verified against when the account does not exist, so that the answer takes as long.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AuthError(QantarError):
    """Sign-in refused. The message never says which of name, password or code was wrong."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role
    enrolled: bool
    created_at: dt.datetime
    disabled: bool
    locked_until: dt.datetime | None
    language: str | None = None  # the account's language; None follows the browser

    @property
    def needs_totp(self) -> bool:
        return needs_totp(self.role)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role.value,
            "enrolled": self.enrolled,
            "created_at": self.created_at.isoformat(),
            "disabled": self.disabled,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
            "language": self.language,
        }


@dataclass(frozen=True)
class Enrolment:
    """A one-time enrolment: the token is shown once and only its hash is stored."""

    user: str
    token: str
    expires_at: dt.datetime

    def link(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}/enrol/{self.token}"


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str
    token_hash: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite returns naive datetimes for timezone-aware columns; they were stored in UTC.
    if value is None or value.tzinfo:
        return value
    return value.replace(tzinfo=dt.UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _user(row: Any) -> User:
    created = _aware(row.created_at)
    assert created is not None
    return User(
        row.id,
        row.name,
        Role(row.role),
        row.password_hash is not None,
        created,
        row.disabled_at is not None,
        _aware(row.locked_until),
        row.language,
    )


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or any(c.isspace() or not c.isprintable() for c in name):
        raise InputError(N_("an account name is 1 to 100 characters without spaces"), field="name")
    return name


def _new_enrolment(conn: Any, user_id: int, name: str, now: dt.datetime) -> Enrolment:
    token = secrets.token_urlsafe(32)
    expires = now + ENROL_VALID
    conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(enrol_token_hash=_digest(token), enrol_expires_at=expires)
    )
    return Enrolment(name, token, expires)


def add_user(project: Project, name: str, role: Role | str, *, by: str) -> Enrolment:
    """A new account, not usable until its person follows the enrolment link."""
    name = _check_name(name)
    role = role if isinstance(role, Role) else parse_role(role)
    now = _now()
    with project.engine.begin() as conn:
        if conn.execute(select(users.c.id).where(users.c.name == name)).first():
            raise InputError(N_("an account of that name exists already"), field="name")
        user_id = conn.execute(
            insert(users).values(name=name, role=role.value, created_at=now, created_by=by)
        ).inserted_primary_key[0]  # type: ignore[index]
        return _new_enrolment(conn, user_id, name, now)


def list_users(project: Project) -> list[User]:
    with project.engine.connect() as conn:
        return [_user(r) for r in conn.execute(select(users).order_by(users.c.name))]


def get_user(project: Project, name: str) -> User:
    with project.engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name.strip())).first()
    if row is None:
        raise InputError(N_("no account of that name: see `qantar users list`"), field="name")
    return _user(row)


class AccountRuleError(QantarError):
    """A change to accounts that would leave the team without a way in: an admin disabling
    their own account, or the last admin who can still sign in being disabled."""


def _active_admins(conn: Any) -> int:
    return int(
        conn.execute(
            select(func.count())
            .select_from(users)
            .where(
                users.c.role == Role.ADMIN.value,
                users.c.disabled_at.is_(None),
                users.c.password_hash.is_not(None),
            )
        ).scalar_one()
    )


def disable_user(project: Project, name: str, *, by: str | None = None) -> User:
    """The account can no longer sign in; its sessions end now. Its history stays.

    Refused (``AccountRuleError``, nothing changed) when ``by`` names the account itself,
    or when it is the last enrolled admin not disabled: nobody could manage accounts then.
    """
    user = get_user(project, name)
    if by is not None and by.strip() == user.name:
        raise AccountRuleError(N_("an account cannot disable itself; ask another admin"))
    with project.engine.begin() as conn:
        if user.role is Role.ADMIN:
            # PostgreSQL: two admins disabling each other at once wait for one another here.
            conn.execute(
                select(users.c.id).where(users.c.role == Role.ADMIN.value).with_for_update()
            ).all()
        conn.execute(update(users).where(users.c.id == user.id).values(disabled_at=_now()))
        # Counted after the update, inside the transaction: on SQLite the write lock is
        # held from the update on, so a colleague's concurrent disable cannot slip between.
        if user.role is Role.ADMIN and not user.disabled and _active_admins(conn) == 0:
            raise AccountRuleError(
                N_("this is the last admin who can sign in; add and enrol another admin first")
            )
        conn.execute(delete(sessions).where(sessions.c.user_id == user.id))
    return get_user(project, name)


def set_language(project: Project, name: str, language: str | None) -> User:
    """The language the account reads the web app in (one of ``qantar.i18n.LANGUAGES``), or
    None to follow the browser again."""
    if language is not None and language not in LANGUAGES:
        raise InputError(
            N_("not a language qantar speaks; use one of %(allowed)s"),
            field="language",
            allowed=", ".join(LANGUAGES),
        )
    user = get_user(project, name)
    with project.engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user.id).values(language=language))
    return get_user(project, name)


def reset_user(project: Project, name: str) -> Enrolment:
    """Start the account over (lost phone, forgotten password): password, second factor,
    recovery codes and sessions are dropped, the account is enabled again, and a new
    enrolment link is issued. Its role and history stay."""
    user = get_user(project, name)
    now = _now()
    with project.engine.begin() as conn:
        conn.execute(
            update(users)
            .where(users.c.id == user.id)
            .values(password_hash=None, totp_secret=None, disabled_at=None,
                    failed_logins=0, locked_until=None)
        )  # fmt: skip
        conn.execute(delete(recovery_codes).where(recovery_codes.c.user_id == user.id))
        conn.execute(delete(sessions).where(sessions.c.user_id == user.id))
        return _new_enrolment(conn, user.id, user.name, now)


def enrolment_user(project: Project, token: str) -> User:
    """The account a still valid enrolment link is for."""
    with project.engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.enrol_token_hash == _digest(token))).first()
    expires = _aware(row.enrol_expires_at) if row is not None else None
    if row is None or row.disabled_at is not None or expires is None or expires < _now():
        raise AuthError(N_("this enrolment link is not valid (used, expired or replaced)"))
    return _user(row)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, account: str) -> str:
    """The otpauth:// URI an authenticator app reads (typed in, or as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(
            N_("a password has at least %(n)s characters"), field="password", n=MIN_PASSWORD
        )


def complete_enrolment(
    project: Project,
    token: str,
    password: str,
    *,
    totp_secret: str | None = None,
    totp_code: str | None = None,
) -> list[str]:
    """Set the password (and the second factor the role needs, proven by a first code);
    returns the recovery codes, shown once. The link is spent."""
    user = enrolment_user(project, token)
    check_password_strength(password)
    secret = None
    step: int | None = None
    if user.needs_totp:
        if not totp_secret or not totp_code:
            raise InputError(N_("this role signs in with a one-time code: set up the app first"),
                             field="code")  # fmt: skip
        step = _totp_step(totp_secret, totp_code.strip(), _now(), after=None)
        if step is None:
            raise InputError(N_("the one-time code does not match: check the phone's clock"),
                             field="code")  # fmt: skip
        secret = totp_secret
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)] if user.needs_totp else []
    with project.engine.begin() as conn:
        conn.execute(
            update(users)
            .where(users.c.id == user.id)
            .values(password_hash=_hasher.hash(password), totp_secret=secret, totp_last_step=step,
                    enrol_token_hash=None, enrol_expires_at=None)
        )  # fmt: skip
        for code in codes:
            conn.execute(insert(recovery_codes).values(user_id=user.id, code_hash=_digest(code)))
    return codes


def _recovery_code() -> str:
    # 100 random bits in five groups, read aloud or typed from paper without ambiguity.
    raw = base64.b32encode(secrets.token_bytes(15)).decode()[:20]
    return "-".join(raw[i : i + 4] for i in range(0, 20, 4))


def _normal_code(code: str) -> str:
    return code.strip().upper().replace(" ", "")


def authenticate(
    project: Project,
    name: str,
    password: str,
    code: str | None = None,
    *,
    address: str | None = None,
    now: dt.datetime | None = None,
) -> User:
    """The account, if name, password and (for roles that see names) a one-time code or an
    unused recovery code are right and the account is neither disabled nor locked.
    ``MAX_FAILURES`` failures in a row lock it for ``LOCKED_FOR``."""
    now = now or _now()
    refused = AuthError(
        N_("sign-in refused: wrong name, password or code, or the account is locked")
    )
    with project.engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name.strip())).first()
    if row is None or row.password_hash is None:
        _verify(_DUMMY_HASH, password)
        _attempt(project, None, address, now, succeeded=False)
        raise refused
    user = _user(row)
    locked = user.locked_until is not None and user.locked_until > now
    good = _verify(row.password_hash, password) and not locked and not user.disabled
    recovery_id = None
    step = None
    if good and user.needs_totp:
        given = _normal_code(code or "")
        if row.totp_secret and given.isdigit():
            step = _totp_step(row.totp_secret, given, now, after=row.totp_last_step)
            good = step is not None
        else:
            recovery_id = _recovery_match(project, user.id, given)
            good = recovery_id is not None
    if not good:
        if not locked:
            _attempt(project, user.id, address, now, succeeded=False)
        raise refused
    with project.engine.begin() as conn:
        if recovery_id is not None:
            conn.execute(
                update(recovery_codes).where(recovery_codes.c.id == recovery_id).values(used_at=now)
            )
        conn.execute(
            update(users)
            .where(users.c.id == user.id)
            .values(failed_logins=0, locked_until=None)
            .values({} if step is None else {"totp_last_step": step})
        )
        conn.execute(
            insert(login_attempts).values(user_id=user.id, at=now, address=address,
                                          succeeded=True)
        )  # fmt: skip
        if _hasher.check_needs_rehash(row.password_hash):
            conn.execute(
                update(users)
                .where(users.c.id == user.id)
                .values(password_hash=_hasher.hash(password))
            )
    return user


def _totp_step(secret: str, given: str, now: dt.datetime, *, after: int | None) -> int | None:
    """The time step whose code is ``given`` (this one or a neighbour, for clocks that
    drift), if later than ``after``: a code overheard or used once does not work again."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), given):
            return step
    return None


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _recovery_match(project: Project, user_id: int, given: str) -> int | None:
    if not given:
        return None
    wanted = _digest("-".join(given.replace("-", "")[i : i + 4] for i in range(0, 20, 4)))
    with project.engine.connect() as conn:
        for row in conn.execute(
            select(recovery_codes.c.id, recovery_codes.c.code_hash).where(
                recovery_codes.c.user_id == user_id, recovery_codes.c.used_at.is_(None)
            )
        ):
            if hmac.compare_digest(row.code_hash, wanted):
                return int(row.id)
    return None


def _attempt(
    project: Project, user_id: int | None, address: str | None, now: dt.datetime, *,
    succeeded: bool,
) -> None:  # fmt: skip
    with project.engine.begin() as conn:
        conn.execute(
            insert(login_attempts).values(user_id=user_id, at=now, address=address,
                                          succeeded=succeeded)
        )  # fmt: skip
        if user_id is None:
            return
        conn.execute(
            update(users)
            .where(users.c.id == user_id)
            .values(failed_logins=users.c.failed_logins + 1)
        )
        failures = conn.execute(
            select(users.c.failed_logins).where(users.c.id == user_id)
        ).scalar_one()
        if failures >= MAX_FAILURES:
            conn.execute(
                update(users)
                .where(users.c.id == user_id)
                .values(locked_until=now + LOCKED_FOR, failed_logins=0)
            )


def recent_failures(project: Project, address: str | None, *, within: dt.timedelta) -> int:
    """Failed sign-ins from one address lately (the web app slows such an address down)."""
    since = _now() - within
    with project.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(login_attempts)
                .where(
                    login_attempts.c.address == address,
                    login_attempts.c.succeeded.is_(False),
                    login_attempts.c.at >= since,
                )
            ).scalar_one()
        )


def start_session(project: Project, user: User, *, address: str | None = None) -> str:
    """A new session; returns its token (the cookie's value; only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with project.engine.begin() as conn:
        conn.execute(
            insert(sessions).values(
                token_hash=_digest(token),
                user_id=user.id,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                last_seen_at=now,
                address=address,
            )
        )
    return token


def session_for(project: Project, token: str, *, idle: dt.timedelta) -> Session | None:
    """The live session of ``token`` (its idle time restarts), or None when it is unknown,
    idle too long, or its account is disabled."""
    if not token:
        return None
    digest = _digest(token)
    now = _now()
    with project.engine.begin() as conn:
        row = conn.execute(
            select(sessions.c.csrf_token, sessions.c.last_seen_at, users)
            .join(users, users.c.id == sessions.c.user_id)
            .where(sessions.c.token_hash == digest)
        ).first()
        if row is None:
            return None
        seen = _aware(row.last_seen_at)
        if row.disabled_at is not None or seen is None or now - seen > idle:
            conn.execute(delete(sessions).where(sessions.c.token_hash == digest))
            return None
        conn.execute(
            update(sessions).where(sessions.c.token_hash == digest).values(last_seen_at=now)
        )
    return Session(_user(row), row.csrf_token, digest)


def end_session(project: Project, token: str) -> None:
    with project.engine.begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.token_hash == _digest(token)))


def end_all_sessions(project: Project, user: User) -> int:
    """Log out everywhere: every session of the account ends; returns how many."""
    with project.engine.begin() as conn:
        result = conn.execute(delete(sessions).where(sessions.c.user_id == user.id))
    return int(result.rowcount or 0)
