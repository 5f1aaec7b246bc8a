"""A throw-away PostgreSQL cluster for tests that need a real server.

``initdb`` into a temporary folder, ``pg_ctl start`` listening on a unix socket in that
folder only (no TCP port, so nothing on the machine can reach it and no port can clash),
one fresh database per test. PostgreSQL refuses to run as root; CI runs as root, so there
the cluster belongs to the ``postgres`` system user, which the Debian package creates.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVER_BINARIES = ("initdb", "pg_ctl", "postgres")
DEBIAN_BIN = Path("/usr/lib/postgresql")


def _find_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's versioned folder (the
    Debian package does not put the server binaries on PATH)."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    for candidate in sorted(DEBIAN_BIN.glob("*/bin"), reverse=True):
        if all((candidate / b).is_file() for b in SERVER_BINARIES):
            return candidate
    return None


@dataclass
class PgServer:
    """A running cluster; ``url(db)`` is a SQLAlchemy URL for one of its databases."""

    socket_dir: Path
    run_as: list[str]
    bin_dir: Path

    def url(self, database: str) -> str:
        # The socket folder goes in the query: psycopg passes ``host`` on to libpq.
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}"

    def psql(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir), user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self) -> str:
        name = "qantar_" + uuid.uuid4().hex[:12]
        self.psql(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
        return name

    def drop_database(self, name: str) -> None:
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(cmd: list[str], cwd: Path) -> None:
    # cwd: the server's user may not enter the caller's folder (a clone under /root in CI).
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=cwd)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")


class ServerUnavailable(Exception):
    """This machine cannot run a PostgreSQL server (no binaries, no driver, no user)."""


def _owner_prefix(folder: Path) -> list[str]:
    """As root, hand the folder to the postgres user and run the server as that user."""
    if os.geteuid() != 0:
        return []
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        raise ServerUnavailable(
            "running as root and there is no `postgres` user to run the server as"
        ) from None
    os.chown(folder, user.pw_uid, user.pw_gid)
    runuser = shutil.which("runuser")
    return (
        [runuser, "-u", "postgres", "--"] if runuser else ["su", "postgres", "-s", "/bin/sh", "-c"]
    )


@contextmanager
def cluster(*, fsync: bool = False) -> Iterator[PgServer]:
    """Start a fresh cluster, yield it, stop and remove it. ``fsync=False`` for tests (the
    data is thrown away); bench/store_postgres_bench.py keeps the server's default."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise ServerUnavailable("psycopg is not installed (pip install -e '.[dev]')") from None
    bin_dir = _find_bin_dir()
    if bin_dir is None:
        raise ServerUnavailable("the PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    # A short path under /tmp: a unix socket path must fit in 107 bytes, and the postgres
    # user must be able to reach the folder (pytest's tmp folders are private to root).
    base = Path(tempfile.mkdtemp(prefix="qantar-pg-", dir="/tmp"))
    data = base / "data"
    log = base / "server.log"
    started = False
    try:
        prefix = _owner_prefix(base)

        def as_owner(*args: str) -> list[str]:
            if prefix and prefix[0] == "su":
                return [*prefix, shlex.join(args)]
            return [*prefix, *args]

        options = f"-c listen_addresses='' -c unix_socket_directories='{base}'"
        if not fsync:
            options += " -c fsync=off"
        _run(as_owner(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                      "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"), base)  # fmt: skip
        try:
            _run(as_owner(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w",
                          "-o", options, "start"), base)  # fmt: skip
        except RuntimeError as exc:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{exc}\nserver log:\n{tail}") from exc
        started = True
        yield PgServer(socket_dir=base, run_as=prefix, bin_dir=bin_dir)
    finally:
        if started:
            subprocess.run(
                as_owner(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"),
                capture_output=True,
                check=False,
                cwd=base,
            )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def pg_server() -> Iterator[PgServer]:
    """One cluster per test module. Skipped on a developer's machine without PostgreSQL;
    in CI (.ci/run sets QANTAR_REQUIRE_POSTGRES) a missing server fails instead."""
    with ExitStack() as stack:
        try:
            server = stack.enter_context(cluster())
        except ServerUnavailable as exc:
            if os.environ.get("QANTAR_REQUIRE_POSTGRES"):
                pytest.fail(f"{exc}, and QANTAR_REQUIRE_POSTGRES is set")
            pytest.skip(str(exc))
        yield server


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database on the module's server."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)
