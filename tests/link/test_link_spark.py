"""Linkage on a real local Spark against DuckDB: the same records give the same persons.

One Spark session serves the module (``local[2]``, two shuffle partitions). Without a
Java runtime or pyspark the tests are skipped, or fail where QANTAR_REQUIRE_SPARK is set
(.ci/run sets it).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from sqlalchemy import select

from qantar import Project
from qantar.errors import QantarError
from qantar.link import _backend, _settings, queue, recluster, record_decision, run
from qantar.link._evaluate import measures
from qantar.link._features import iter_records
from qantar.link._pipeline import _truth_ids
from qantar.link._tables import person_records
from qantar.settings import LinkSettings, SparkSettings, from_mapping

SPARK: dict[str, Any] = {"master": "local[2]", "shuffle_partitions": 2}


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    try:
        session, started = _backend.spark_session(
            SparkSettings(**SPARK), tmp_path_factory.mktemp("spark")
        )
    except QantarError as exc:
        if os.environ.get("QANTAR_REQUIRE_SPARK"):
            pytest.fail(f"{exc}, and QANTAR_REQUIRE_SPARK is set")
        pytest.skip(str(exc))
    yield session
    if started:
        session.stop()


def _synthetic(root: Path, n: int, seed: int) -> tuple[Project, Path]:
    from qantar.ingest import import_file
    from qantar.synth import ScenarioConfig, generate, write_scenario

    paths = write_scenario(generate(ScenarioConfig(n=n), seed=seed), root / "scenario")
    project = Project.init(root / "case")
    for name, path in paths.items():
        if name not in ("truth", "histories", "population", "scenario"):
            import_file(project, path, source=name, kind="ngo")
    return project, paths["truth"]


def _persons(project: Project) -> dict[int, str]:
    with project.engine.connect() as conn:
        return {
            int(r): str(p)
            for r, p in conn.execute(select(person_records.c.record_id, person_records.c.person_id))
        }


def _use(project: Project, backend: str) -> None:
    project.settings = project.settings.updated("link", backend=backend, spark=SPARK)


def test_spark_links_the_records_duckdb_links_into_the_same_persons(
    spark: Any, tmp_path: Path
) -> None:
    project, truth = _synthetic(tmp_path, n=120, seed=5)
    _use(project, "duckdb")
    duck = run(project, seed=3)
    by_duckdb = _persons(project)
    _use(project, "spark")
    on_spark = run(project, seed=3)
    by_spark = _persons(project)
    assert on_spark.backend == "spark" and on_spark.records == duck.records >= 200
    # The same blocking rules in either SQL: the same candidate pairs, rule by rule.
    assert [r["new_pairs"] for r in on_spark.pairs_per_rule] == [
        r["new_pairs"] for r in duck.pairs_per_rule
    ]
    assert measures(by_spark, by_duckdb)["f1"] >= 0.99
    # Records and scratch files (Parquet, checkpoints, spill) do not outlive the run.
    assert not list(project.runs_dir.glob(".link-scratch-*"))

    # Reviewers decide the pairs the Spark run queued, and every pair the two backends
    # put differently; with those decisions both backends give the same persons.
    ids = _truth_ids(project, truth, list(iter_records(project.engine)))
    keys = {r.record_id: r.record_key for r in iter_records(project.engine)}
    decide = {(it.record_id_l, it.record_id_r) for it in queue(project, limit=15)}
    decide |= {
        (a, b)
        for a in by_spark
        for b in by_spark
        if a < b and (by_spark[a] == by_spark[b]) != (by_duckdb[a] == by_duckdb[b])
    }
    assert decide
    for a, b in sorted(decide):
        same = ids.get(a) is not None and ids.get(a) == ids.get(b)
        record_decision(project, keys[a], keys[b], "match" if same else "non-match", reviewer="t")
    recluster(project)  # the Spark run's pairs, with the decisions
    reviewed_on_spark = _persons(project)
    _use(project, "duckdb")
    run(project, seed=3)
    # The same persons under the same ids: ids are stable across backends.
    assert _persons(project) == reviewed_on_spark


def test_records_reach_spark_as_parquet_in_a_private_folder_removed_after(
    spark: Any, tmp_path: Path
) -> None:
    table = pa.table({"record_id": [1, 2], "surname_key": ["a", "b"], "list_key": ["x", "x"]})
    runs = tmp_path / "runs"
    with _backend.session(_spark_settings(), runs) as backend:
        (scratch,) = runs.glob(".link-scratch-*")
        assert stat.S_IMODE(scratch.stat().st_mode) == 0o700
        backend.register(table, "qantar_src_0", "src0")
        written = list(Path(backend.work).glob("inputs/qantar_src_0/*.parquet"))
        assert written and Path(backend.work).is_relative_to(scratch)
        got = backend.to_arrow("SELECT count(*) AS n FROM qantar_src_0")
        assert got.column("n").to_pylist() == [2]
    assert not list(runs.iterdir())
    assert not [v for v in spark.catalog.listTables() if v.name.startswith("qantar_")]
    # A work folder of one's own (a cluster's shared storage): the run's part goes too.
    shared = tmp_path / "shared"
    settings = _spark_settings(work_dir=str(shared))
    with _backend.session(settings, runs) as backend:
        backend.register(table, "qantar_src_0", "src0")
        assert list(shared.glob("qantar-*/inputs/qantar_src_0/*.parquet"))
    assert shared.is_dir() and not list(shared.iterdir())


def _pairs() -> pa.Table:
    """Feature pairs that fall into every kind of level: slips, swaps, nulls, dates."""
    left = {
        "surname_key": ["ospanov", "ospanov", "kim", None, "beg", "nurlan", "ospanov"],
        "given_key": ["nurlan", "n", "a", None, "aliev", "ospanov", "nurlan"],
        "patronymic_key": ["serik", None, "s", None, "b", "serikovich", "serik"],
        "birth_date": ["1980-01-02", "1980-02-01", None, "1990-05-05", "x", None, "1980-01-02"],
        "event_date": ["2022-01-05", "2022-01-06", "2022-01-05", None, "2022-01-05",
                       "2022-01-08", "2022-01-15"],
        "place_key": ["almaty", "almaty obl", None, "esik", "talgar", "almaty", "almaty"],
    }  # fmt: skip
    same = {
        "surname_key": "aliev",
        "given_key": "timur",
        "patronymic_key": None,
        "birth_date": "1975-03-04",
        "event_date": "2022-01-07",
        "place_key": "almaty",
    }
    right = {
        "surname_key": ["ospanof", "ospanov", "kim", "x", "erg", "ospanov", "ospanova"],
        "given_key": ["nurlan", "nurbol", None, "y", "aliev", "nurlan", "nurlann"],
        "patronymic_key": ["serik", "s", "t", None, "b", "serik", "serk"],
        "birth_date": ["1980-01-20", "1980-01-02", "1981-01-01", "1990-05-06", "1990-05-05",
                       None, "1980-02-01"],
        "event_date": ["2022-01-06", "2022-01-05", "2022-01-09", "2022-01-05", "2022-01-05",
                       "2022-01-10", "2022-01-05"],
        "place_key": ["almaty", "almaty", "almaty", "esik", "talgar obl", None, "almati"],
    }  # fmt: skip
    rows: dict[str, list[Any]] = {}
    for side, values in (("l", left), ("r", right)):
        for column, value in same.items():
            values[column].append(value)
        for column, items in values.items():
            rows[f"{column}_{side}"] = items
    return pa.table(rows)


def _conditions(backend: str, columns: set[str]) -> list[str]:
    """The conditions of the levels that read only ``columns``, in ``backend``'s SQL."""
    out = []
    for comp in _settings.comparisons(1, backend):
        for level in comp["comparison_levels"]:
            sql = level["sql_condition"]
            used = set(re.findall(r"\b[a-z_]+_[lr]\b", sql))
            if sql != "ELSE" and used and used <= columns:
                out.append(sql)
    return out


def test_the_levels_decide_alike_on_spark_and_duckdb(spark: Any) -> None:
    pairs = _pairs()
    columns = set(pairs.column_names)
    duck, spark_sql = _conditions("duckdb", columns), _conditions("spark", columns)
    assert len(duck) == len(spark_sql) >= 8
    assert duck != spark_sql  # the two SQLs do differ (similarity, dates)
    select_duck = ", ".join(f"coalesce({c}, false)" for c in duck)
    select_spark = ", ".join(f"coalesce({c}, false)" for c in spark_sql)
    con = duckdb.connect()
    con.register("pairs", pairs)
    by_duckdb = [tuple(row) for row in con.execute(f"SELECT {select_duck} FROM pairs").fetchall()]
    spark.createDataFrame(pairs).createOrReplaceTempView("qantar_test_pairs")
    try:
        by_spark = [
            tuple(row)
            for row in spark.sql(f"SELECT {select_spark} FROM qantar_test_pairs").collect()
        ]
    finally:
        spark.catalog.dropTempView("qantar_test_pairs")
    assert by_spark == by_duckdb
    # Something in each column holds, so the comparison is not of all-false rows.
    assert all(any(row[i] for row in by_duckdb) for i in range(len(duck)))


def _spark_settings(**more: Any) -> LinkSettings:
    return from_mapping({"link": {"backend": "spark", "spark": {**SPARK, **more}}}).link


def test_spark_settings_are_checked() -> None:
    with pytest.raises(QantarError, match=r"\[link.spark\] executor_cores is not a known setting"):
        from_mapping({"link": {"spark": {"executor_cores": 4}}})
    with pytest.raises(QantarError, match="must be a table"):
        from_mapping({"link": {"spark": "local"}})
    assert _spark_settings().spark == SparkSettings(master="local[2]", shuffle_partitions=2)
