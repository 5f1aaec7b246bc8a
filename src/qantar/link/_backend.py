"""The one place that chooses Splink's database backend and how it may use the machine.

Everything else receives a ``DatabaseAPI`` from :func:`session` (or :func:`database_api`)
and never imports a backend itself, so switching a project to Spark later is a setting
(``[link] backend = "spark"`` in qantar.toml), not a code change.

DuckDB runs on a database file in a scratch folder inside the project (owner-only,
removed at the end of the run, and by the next run when a killed run left it behind:
it holds every name), with a memory limit: tables and joins larger than the limit spill to
that folder instead of exhausting the machine. ``[link] memory_limit`` (default
``"3GB"``) and ``[link] threads`` (default: every core) tune it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qantar.errors import QantarError

BACKENDS = ("duckdb", "spark")
DEFAULT_BACKEND = "duckdb"
DEFAULT_MEMORY_LIMIT = "3GB"


def backend_name(settings: dict[str, Any] | None = None) -> str:
    name = str((settings or {}).get("backend", DEFAULT_BACKEND)).lower()
    if name not in BACKENDS:
        raise QantarError(
            f"[link] backend = {name!r} is not known; use one of {', '.join(BACKENDS)}"
        )
    return name


def database_api(
    name: str = DEFAULT_BACKEND,
    *,
    threads: int | None = None,
    scratch: Path | None = None,
    memory_limit: str | None = None,
) -> Any:
    """A fresh Splink database API for the backend ``name``.

    With ``scratch``, DuckDB keeps its tables in a file there and spills to it.
    """
    if name == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        if scratch is not None:
            scratch.mkdir(parents=True, exist_ok=True)
            con = duckdb.connect(str(scratch / "splink.duckdb"))
            con.execute(f"SET temp_directory = '{_quoted(scratch / 'spill')}'")
        else:
            con = duckdb.connect(":memory:")
        # Row order of intermediate tables never matters to Splink's SQL; keeping it
        # costs memory on large joins.
        con.execute("SET preserve_insertion_order = false")
        if memory_limit:
            con.execute(f"SET memory_limit = '{_quoted(memory_limit)}'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        return DuckDBAPI(connection=con)
    if name == "spark":  # pragma: no cover - needs the [spark] extra and a JVM
        try:
            from pyspark.sql import SparkSession
            from splink import SparkAPI
        except ImportError as exc:
            raise QantarError(
                "the Spark backend needs the spark extra: pip install 'qantar[spark]'"
            ) from exc
        spark = SparkSession.builder.appName("qantar-link").getOrCreate()
        return SparkAPI(spark_session=spark)
    raise QantarError(f"unknown linkage backend {name!r}")


def _quoted(value: object) -> str:
    return str(value).replace("'", "''")


def memory_scratch_root() -> Path:
    """A memory-backed folder of this user's for an encrypted project's linkage scratch:
    DuckDB cannot encrypt what it writes without an extension that is not shipped, so the
    names it holds while linking must not reach the project's disk at all."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    for base in (Path(runtime) if runtime else None, Path("/dev/shm")):
        if base is not None and base.is_dir() and os.access(base, os.W_OK):
            return base
    raise QantarError(
        "an encrypted project links in memory-backed storage, and this machine has none "
        "(no XDG_RUNTIME_DIR or /dev/shm)"
    )


SCRATCH_PREFIX = ".link-scratch-"
OWNER_LOCK = "owner.lock"
# A scratch folder without an owner lock is left alone this long: its run may be starting.
UNLOCKED_GRACE_SECONDS = 600


def _owner_alive(folder: Path) -> bool:
    """Whether the run that made ``folder`` still holds its lock. A lock dies with its
    process, however it ends (kill -9, power loss), so a free lock means a dead run."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: only folders without a lock age out
        fcntl = None  # type: ignore[assignment]
    lock = folder / OWNER_LOCK
    if fcntl is None or not lock.exists():
        return time.time() - folder.stat().st_mtime < UNLOCKED_GRACE_SECONDS
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def sweep_scratch(runs_dir: Path) -> int:
    """Remove the scratch folders of link runs that died; returns how many."""
    removed = 0
    for folder in runs_dir.glob(SCRATCH_PREFIX + "*"):
        try:
            if folder.is_dir() and not folder.is_symlink() and not _owner_alive(folder):
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except FileNotFoundError:  # another run swept it first
            continue
    return removed


def _hold_owner_lock(folder: Path) -> int:
    fd = os.open(folder / OWNER_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:  # pragma: no cover - Windows
        pass
    return fd


@contextmanager
def session(
    name: str, settings: dict[str, Any], runs_dir: Path, *, in_memory: bool = False
) -> Iterator[Any]:
    """A database API for one link run, with its scratch folder under ``runs_dir`` (or, with
    ``in_memory``, on a memory-backed folder outside the project)."""
    threads = settings.get("threads")
    memory = str(settings.get("memory_limit", DEFAULT_MEMORY_LIMIT))
    if name != "duckdb":  # pragma: no cover - other backends manage their own resources
        yield database_api(name)
        return
    runs_dir.mkdir(parents=True, exist_ok=True)
    where = memory_scratch_root() if in_memory else runs_dir
    sweep_scratch(where)
    # mkdtemp makes the folder 0700 whatever the umask: the DuckDB file holds every name.
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=where))
    lock = _hold_owner_lock(scratch)
    try:
        api = database_api(
            name, threads=int(threads) if threads else None, scratch=scratch, memory_limit=memory
        )
        try:
            yield api
        finally:
            api.duckdb_con.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        os.close(lock)
