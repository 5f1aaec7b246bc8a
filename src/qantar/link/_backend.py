"""The one place that chooses Splink's database backend and how it may use the machine.

A link run gets a :class:`Backend` from :func:`session`: Splink's ``DatabaseAPI`` to
train and score on, a way to hand it the records, and a DuckDB connection on this
machine that receives the scored pairs. Everything after scoring (explanations,
clustering, review, storing persons) reads that connection, whichever engine scored.
The SQL the two engines spell differently lives in ``qantar.link._dialect``. So
``[link] backend = "spark"`` in qantar.toml runs the same linkage on Spark.

DuckDB runs on a database file in a scratch folder inside the project (owner-only,
removed at the end of the run, and by the next run when a killed run left it behind:
it holds every name), with a memory limit: tables and joins larger than the limit spill to
that folder instead of exhausting the machine. ``[link] memory_limit`` (default
``"3GB"``) and ``[link] threads`` (default: every core) tune it.

Spark (``[link.spark]``, see docs/scale.md) gets the records as Parquet written to a work
folder (by default inside the scratch folder), checkpoints there too, and the folder is
removed after the run: names are not left behind.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from qantar.errors import N_, QantarError
from qantar.settings import DEFAULTS, LinkSettings, SparkSettings

DEFAULT_BACKEND = DEFAULTS.link.backend


def _duckdb_connection(
    scratch: Path | None, *, threads: int | None = None, memory_limit: str | None = None
) -> Any:
    import duckdb

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
    return con


def database_api(
    name: str = DEFAULT_BACKEND,
    *,
    threads: int | None = None,
    scratch: Path | None = None,
    memory_limit: str | None = None,
) -> Any:
    """A fresh Splink DuckDB API (with ``scratch``, its tables live in a file there and
    spill to it). Spark's needs a session: see :func:`spark_session`."""
    if name != "duckdb":
        raise QantarError(
            N_("database_api() makes DuckDB APIs only, not %(backend)s"), backend=repr(name)
        )
    from splink import DuckDBAPI

    con = _duckdb_connection(scratch, threads=threads, memory_limit=memory_limit)
    return DuckDBAPI(connection=con)


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
        N_(
            "an encrypted project links in memory-backed storage, and this machine has none "
            "(no XDG_RUNTIME_DIR or /dev/shm)"
        )
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


def spark_session(spark: SparkSettings, local_dir: Path | None = None) -> tuple[Any, bool]:
    """The Spark session for linkage, and whether it was started here: the running one if
    there is one (``spark-submit``, a notebook, a test), whose settings stand, else a new
    one from ``[link.spark]``. ``local_dir``: where a new session spills and shuffles
    (records pass through it), inside the run's scratch folder."""
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as exc:
        raise QantarError(
            N_("the Spark backend needs pyspark: pip install 'qantar[spark]'")
        ) from exc
    builder = SparkSession.builder.appName("qantar-link")
    if spark.master:
        builder = builder.master(spark.master)
    options: dict[str, str] = {
        # Splink's string similarity functions (jaro_winkler, damerau_levenshtein).
        "spark.jars": similarity_jar_location(),
        "spark.sql.shuffle.partitions": str(spark.shuffle_partitions),
        # Eight people may share a machine: no web UI on a port, no progress bars.
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
    }
    if spark.driver_memory:
        options["spark.driver.memory"] = spark.driver_memory
    if spark.executor_memory:
        options["spark.executor.memory"] = spark.executor_memory
    if (spark.master or "local").startswith("local"):
        # Python workers on this machine run this Python (pyarrow and all), not the first
        # python3 on PATH.
        options["spark.pyspark.python"] = sys.executable
    if local_dir is not None:
        options["spark.local.dir"] = str(local_dir)
        options["spark.sql.warehouse.dir"] = str(local_dir / "warehouse")
    options.update({str(k): str(v) for k, v in spark.config.items()})
    for key, value in options.items():
        builder = builder.config(key, value)
    running = SparkSession.getActiveSession()
    if running is not None:
        return running, False
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # py4j and the JVM raise their own types
        raise QantarError(
            N_("could not start Spark (%(failure)s); is Java 17 or later installed?"),
            failure=type(exc).__name__,
        ) from exc
    # Spark's INFO lines describe plans and files, WARN and above only problems; data
    # rows are never logged either way (nothing here calls show()).
    session.sparkContext.setLogLevel("WARN")
    return session, True


@dataclass
class Backend:
    """What a link run needs of its engine (see the module's docstring)."""

    name: str
    api: Any  # Splink's DatabaseAPI
    local: Any  # DuckDB connection on this machine: the scored pairs, truth checks
    work: str  # folder (a path or a URI) for the engine's files of this run

    def register(self, table: pa.Table, table_name: str, display_name: str) -> Any:
        """Hand one list's features to the engine, as a Splink input table."""
        if self.name == "duckdb":
            return self.api.register(
                table, table_name=table_name, dataset_display_name=display_name
            )
        spark = self.api.spark
        path = f"{self.work}/inputs/{table_name}"
        spark.createDataFrame(table).write.mode("overwrite").parquet(path)
        return self.api.register(
            spark.read.parquet(path), table_name=table_name, dataset_display_name=display_name
        )

    def gather(self, parts: list[Any], table: str) -> None:
        """The scored pairs of ``parts`` (Splink tables) as ``table`` in :attr:`local`."""
        if self.name == "duckdb":
            if parts:
                self.local.execute(
                    f"CREATE TABLE {table} AS "
                    + " UNION ALL ".join(f"SELECT * FROM {p.physical_name}" for p in parts)
                )
            return
        for i, part in enumerate(parts):
            arrow = part.as_pyarrow_table()
            self.local.register("qantar_part", arrow)
            if i == 0:
                self.local.execute(f"CREATE TABLE {table} AS SELECT * FROM qantar_part")
            else:
                self.local.execute(f"INSERT INTO {table} SELECT * FROM qantar_part")
            self.local.unregister("qantar_part")

    def to_arrow(self, sql: str) -> pa.Table:
        """Run ``sql`` on the engine; the (small) result on this machine."""
        if self.name == "duckdb":
            result: pa.Table = self.local.sql(sql).to_arrow_table()
            return result
        spark_result: pa.Table = self.api.spark.sql(sql).toArrow()
        return spark_result

    def put(self, table: pa.Table, name: str) -> None:
        """A small table (ids only) made visible to the engine's SQL as ``name``."""
        if self.name == "duckdb":
            self.local.register(name, table)
        else:
            self.api.spark.createDataFrame(table).createOrReplaceTempView(name)


@contextmanager
def session(
    settings: LinkSettings, runs_dir: Path, *, in_memory: bool = False
) -> Iterator[Backend]:
    """The engine for one link run, with its scratch folder under ``runs_dir`` (or, with
    ``in_memory``, for an encrypted project, on a memory-backed folder outside the project):
    0700, removed when the run ends, failed or not, and by the next run if a killed run
    left it behind."""
    name, threads, memory = settings.backend, settings.threads, settings.memory_limit
    runs_dir.mkdir(parents=True, exist_ok=True)
    where = memory_scratch_root() if in_memory else runs_dir
    sweep_scratch(where)
    # mkdtemp makes the folder 0700 whatever the umask: the DuckDB file holds every name.
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=where))
    lock = _hold_owner_lock(scratch)
    try:
        if name == "duckdb":
            api = database_api(
                name,
                threads=threads,
                scratch=scratch,
                memory_limit=memory,
            )
            try:
                yield Backend(name, api, api.duckdb_con, str(scratch))
            finally:
                api.duckdb_con.close()
            return
        with _spark_backend(settings.spark, scratch, threads, memory) as backend:
            yield backend
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        os.close(lock)


@contextmanager
def _spark_backend(
    spark: SparkSettings, scratch: Path, threads: int | None, memory: str
) -> Iterator[Backend]:
    from splink import SparkAPI

    session, started = spark_session(spark, scratch / "spark")
    # A folder of this run's own under the work folder: several runs may share one.
    base = str(spark.work_dir or (scratch / "work"))
    work = f"{base.rstrip('/')}/qantar-{uuid.uuid4().hex}"
    context = session.sparkContext
    context.setCheckpointDir(f"{work}/checkpoints")
    local = _duckdb_connection(scratch / "driver", threads=threads, memory_limit=memory)
    try:
        api = SparkAPI(spark_session=session, break_lineage_method="parquet")
        yield Backend("spark", api, local, work)
    finally:
        local.close()
        session.catalog.clearCache()
        for view in session.catalog.listTables():
            if view.isTemporary and view.name.startswith(("__splink", "qantar_")):
                session.catalog.dropTempView(view.name)
        _remove(session, work)
        if started:
            session.stop()


def _remove(session: Any, uri: str) -> None:
    """Delete ``uri`` (local or on the cluster's file system) with Hadoop's API, which
    every Spark has: the run's Parquet inputs and checkpoints hold names."""
    jvm = session._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    try:
        path.getFileSystem(session._jsc.hadoopConfiguration()).delete(path, True)
    except Exception as exc:  # the run's outcome stands; say what to delete by hand
        logging.getLogger(__name__).warning(
            "could not remove Spark work folder %s (%s): delete it by hand",
            uri,
            type(exc).__name__,
        )
