"""The one place that chooses Splink's database backend.

Everything else receives a ``DatabaseAPI`` from :func:`database_api` and never imports a
backend itself, so switching a project to Spark later is a setting
(``[link] backend = "spark"`` in qantar.toml), not a code change.
"""

from __future__ import annotations

from typing import Any

from qantar.errors import QantarError

BACKENDS = ("duckdb", "spark")
DEFAULT_BACKEND = "duckdb"


def backend_name(settings: dict[str, Any] | None = None) -> str:
    name = str((settings or {}).get("backend", DEFAULT_BACKEND)).lower()
    if name not in BACKENDS:
        raise QantarError(
            f"[link] backend = {name!r} is not known; use one of {', '.join(BACKENDS)}"
        )
    return name


def database_api(name: str = DEFAULT_BACKEND, *, threads: int | None = None) -> Any:
    """A fresh Splink database API for the backend ``name``."""
    if name == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        con = duckdb.connect(":memory:")
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
