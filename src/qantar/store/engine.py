"""Opening a database and bringing its schema up to date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from qantar.errors import N_, QantarError, StoreError

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets readers (the web app, `qantar status`) work while an import writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# SQLCipher's settings for every qantar registry (SQLCipher does not store them: a file is
# opened with the settings it was made with). Larger pages than SQLCipher's 4 KiB and
# HMAC-SHA-256 halve the cost per byte of encryption on bulk imports; both are as secure.
CIPHER_SETTINGS = (("cipher_page_size", "16384"), ("cipher_hmac_algorithm", "HMAC_SHA256"))


def key_pragmas(raw_key: bytes, schema: str | None = None) -> list[str]:
    """The statements that open a SQLCipher file with ``raw_key`` and qantar's settings."""
    prefix = f"{schema}." if schema else ""
    return [f"PRAGMA {prefix}key = \"x'{raw_key.hex()}'\""] + [
        f"PRAGMA {prefix}{name} = {value}" for name, value in CIPHER_SETTINGS
    ]


def _sqlcipher_key(raw_key: bytes) -> Any:
    # A raw 256-bit key (x'...'): SQLCipher skips its own PBKDF2, so a connection opens
    # as fast as a plain one; the passphrase's scrypt ran once, in the vault.
    pragmas = key_pragmas(raw_key)

    def apply(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        # Decrypted pages are dear: a larger page cache keeps reads near plaintext speed.
        cursor.execute("PRAGMA cache_size = -65536")
        cursor.close()

    return apply


LOCAL_HOSTS = ("", "localhost", "127.0.0.1", "::1")
TLS_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
DEFAULT_TLS = "verify-full"


def with_tls(url: str, accepted: str | None = None) -> str:
    """A PostgreSQL URL to another host, with TLS that checks the server's certificate.

    ``sslmode=verify-full`` is added when the URL says nothing; a weaker mode, in the URL
    or ``[project] database_tls``, is refused unless ``database_tls`` names it, so that
    accepting it is written down in qantar.toml. Local connections are left as they are.
    """
    if not url.startswith("postgresql"):
        return url
    parsed = make_url(url)
    host = parsed.host or ""
    if host in LOCAL_HOSTS or host.startswith("/"):
        return url
    wanted = accepted or DEFAULT_TLS
    if wanted not in TLS_MODES:
        raise QantarError(
            N_(
                "[project] database_tls = %(mode)s is not a PostgreSQL sslmode; use one of "
                "%(allowed)s"
            ),
            mode=repr(wanted),
            allowed=", ".join(TLS_MODES),
        )
    given = parsed.query.get("sslmode")
    if isinstance(given, tuple):
        given = given[-1]
    if given is None:
        return parsed.update_query_dict({"sslmode": wanted}).render_as_string(hide_password=False)
    if given != DEFAULT_TLS and given != accepted:
        raise QantarError(
            N_(
                "the database URL asks for sslmode=%(given)s to another host; qantar requires "
                "%(required)s (the server's certificate checked) unless qantar.toml says "
                '[project] database_tls = "%(given)s"'
            ),
            given=given,
            required=DEFAULT_TLS,
        )
    return url


# What the database driver said, and what the person is told instead. The driver's own
# exception carries the SQL and (without hide_parameters) its parameters, which are names,
# consent notes and phone numbers: none of that may reach a terminal or a log.
_SQLITE_MESSAGES = (
    (
        ("database is locked", "database table is locked"),
        N_(
            "the database is locked by another process (another qantar command still writing, "
            "or a program holding it open); nothing of this step was stored; try again when it "
            "has finished"
        ),
    ),
    (
        ("database or disk is full",),
        N_(
            "the disk holding the database is full: nothing of this step was stored; free "
            "some space and try again"
        ),
    ),
    (
        ("disk i/o error",),
        N_(
            "the database could not be written (a disk I/O error: a full disk, a file size "
            "limit or a failing disk): nothing of this step was stored"
        ),
    ),
    (
        ("file is not a database", "database disk image is malformed"),
        N_(
            "the database file is damaged (not a complete SQLite database, perhaps cut short "
            "by a copy or a full disk): restore qantar.db from a backup"
        ),
    ),
    (
        ("attempt to write a readonly database",),
        N_("the database file is read-only for this user: nothing was stored"),
    ),
    (
        ("unable to open database file",),
        N_("cannot open the database file (its folder is missing or not writable)"),
    ),
)
# PostgreSQL's SQLSTATE codes for the same situations.
_SQLSTATE_MESSAGES = {
    "55P03": _SQLITE_MESSAGES[0][1],
    "40P01": N_(
        "the database broke a deadlock with another qantar process by stopping this step: "
        "nothing of it was stored; try again"
    ),
    "53100": _SQLITE_MESSAGES[1][1],
}


def plain_database_error(error: BaseException) -> StoreError | None:
    """A one-line user error for a database failure the person can act on (locked, disk
    full, damaged file), without the SQL or its parameters; None for any other failure."""
    orig = getattr(error, "orig", None) or error
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate in _SQLSTATE_MESSAGES:
        message = _SQLSTATE_MESSAGES[sqlstate]
        return StoreError(message)
    first_line = str(orig).strip().splitlines()[0].lower() if str(orig).strip() else ""
    for needles, message in _SQLITE_MESSAGES:
        if any(needle in first_line for needle in needles):
            return StoreError(message)
    return None


def _raise_plain(context: ExceptionContext) -> None:
    # Raising here replaces SQLAlchemy's exception at every caller, library and CLI alike.
    plain = plain_database_error(context.original_exception)
    if plain is None and context.connection is None and context.execution_context is None:
        # No connection was made (server down, wrong host or credentials). The driver's
        # first line says which, and carries no SQL parameters.
        said = str(context.original_exception).strip().splitlines()
        plain = (
            StoreError(N_("cannot connect to the database: %(reason)s"), reason=said[0])
            if said
            else StoreError(N_("cannot connect to the database: no reason given"))
        )
    if plain is not None:
        raise plain from None


def connect(url: str, *, sqlcipher_key: bytes | None = None, tls: str | None = None) -> Engine:
    """An engine for a SQLAlchemy URL (``sqlite:///path/qantar.db`` or ``postgresql+psycopg://``).

    SQL parameters never appear in an exception or log (they are names), and a locked,
    full or damaged database raises a one-line :class:`StoreError`. With ``sqlcipher_key``
    the SQLite file is a SQLCipher database opened with that key; a PostgreSQL server on
    another host is reached with TLS (:func:`with_tls`).
    """
    url = with_tls(url, tls)
    options: dict[str, Any] = {}
    if sqlcipher_key is not None:
        if not url.startswith("sqlite"):
            raise QantarError(N_("only a SQLite registry can be encrypted by qantar (SQLCipher)"))
        try:
            from sqlcipher3 import dbapi2 as sqlcipher
        except ModuleNotFoundError as exc:
            raise QantarError(
                N_("this project is encrypted and needs SQLCipher: pip install 'qantar[secure]'")
            ) from exc
        options["module"] = sqlcipher
    try:
        engine = create_engine(url, hide_parameters=True, **options)
    except ModuleNotFoundError as exc:
        # The URL names a driver that is an optional extra; say which one to install.
        if url.startswith("postgresql"):
            raise QantarError(
                N_(
                    "the database driver %(driver)s for [project] database is not installed "
                    "(pip install 'qantar[postgres]' and use postgresql+psycopg://)"
                ),
                driver=repr(exc.name),
            ) from exc
        raise QantarError(
            N_("the database driver %(driver)s for [project] database is not installed"),
            driver=repr(exc.name),
        ) from exc
    except NoSuchModuleError as exc:
        raise QantarError(
            N_("[project] database names an unknown database or driver: %(reason)s"), reason=exc
        ) from exc
    except ArgumentError as exc:
        raise QantarError(
            N_("[project] database is not a SQLAlchemy URL: %(reason)s"), reason=exc
        ) from exc
    if engine.dialect.name == "sqlite":
        if sqlcipher_key is not None:
            event.listen(engine, "connect", _sqlcipher_key(sqlcipher_key), insert=True)
        event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "handle_error", _raise_plain)
    return engine


def settings_url(url: str) -> tuple[str, bool]:
    """The URL to write into ``qantar.toml`` and whether a password was left out of it: the
    settings file is copied with the project, so a password goes in ``~/.pgpass`` or
    ``PGPASSWORD`` instead (docs/postgres.md)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise QantarError(N_("not a SQLAlchemy URL: %(reason)s"), reason=exc) from exc
    if parsed.password is None:
        return url, False
    # URL.set(password=None) keeps the password ("not given"); build the URL without it.
    bare = URL.create(
        parsed.drivername,
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return bare.render_as_string(hide_password=False), True


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Upgrade the schema to every head: each feature's migrations form their own branch."""
    command.upgrade(alembic_config(engine), "heads")
