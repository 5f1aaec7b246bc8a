"""One bulk insert for the whole store (``qantar.store.bulk``), and the persons table it
fills: the same rows come back from a real SQLite file and a real PostgreSQL server (see
pg_server.py), by each path the helper takes there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pg_server import pg_server, pg_url  # noqa: F401  (fixtures)
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    Table,
    Text,
    func,
    insert,
    select,
)

from qantar import Project
from qantar.ingest import import_file
from qantar.link._cluster import Cluster
from qantar.link._persons import assign_ids, store_persons
from qantar.link._tables import link_runs, person_records, persons
from qantar.store import bulk_insert, connect, records
from qantar.store.bulk import method, to_json

# Text COPY and SQL escape these differently; every one must come back as it went in.
TEXTS = [
    "plain",
    "Ахметов Нұрлан Серікұлы",
    "tab\there",
    "line\nbreak\r\nand back",
    "back\\slash \\N",
    "quotes \"'",
    "",
    None,
    "comma, semi; pipe|",
    "✓ 𝄞",
]
JSON_VALUES: list[Any] = [
    {"a": [1, 2.5, None], "ключ": "значение"},
    None,
    "a string",
    [1, "two", {"three": 3}],
    0,
    True,
    {"nested": {"tab": "\t", "quote": '"'}},
    [],
    {},
    "\\",
]


def _probe(metadata: MetaData) -> Table:
    return Table(
        "bulk_probe",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("label", Text),
        Column("column", Text),  # a reserved word: names are quoted
        Column("amount", Float),
        Column("flag", Boolean),
        Column("data", JSON),
        Column("cells", JSON),
    )


def _rows(start: int) -> list[tuple[Any, ...]]:
    out = []
    for i, text in enumerate(TEXTS):
        cells = [t for t in TEXTS if t is not None][: i + 1]
        amount = None if i % 4 == 0 else i / 3
        out.append((start + i, text, text, amount, i % 2 == 0, JSON_VALUES[i], cells))
    return out


def _round_trip(engine: Engine, how: Any) -> None:
    table = _probe(MetaData())
    table.create(engine)
    columns = ("id", "label", "column", "amount", "flag", "data", "cells")
    first = _rows(1)
    second = _rows(101)
    # Python JSON values for one column, JSON text already encoded for the other; a list on
    # an engine (own transaction), then a generator on a connection (its transaction).
    encoded = [(*r[:6], to_json(r[6])) for r in first]
    n = bulk_insert(
        engine, table, columns, encoded, json_columns=("data",), encoded_json=("cells",), how=how
    )
    assert n == len(first)
    with engine.begin() as conn:
        assert (
            bulk_insert(conn, table, columns, (r for r in second), json_columns=("data", "cells"),
                        how=how)
            == len(second)
        )  # fmt: skip
        assert bulk_insert(conn, table, columns, [], how=how) == 0
    with engine.connect() as conn:
        back = [tuple(r) for r in conn.execute(select(table).order_by(table.c.id))]
    assert back == first + second

    # The rows join the caller's transaction: rolled back with it.
    with engine.connect() as conn:
        tx = conn.begin()
        bulk_insert(conn, table, columns, _rows(201), json_columns=("data", "cells"), how=how)
        tx.rollback()
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 20
    # Columns left out take their defaults (link pairs leave their ids to the database).
    plain = Table("bulk_ids", MetaData(), Column("id", Integer, primary_key=True),
                  Column("label", Text))  # fmt: skip
    plain.create(engine)
    bulk_insert(engine, plain, ("label",), [("one",), ("two",)], how=how)
    bulk_insert(engine, plain, ("label",), [("three",)], how=how)
    with engine.connect() as conn:
        back = [tuple(r) for r in conn.execute(select(plain).order_by(plain.c.id))]
    assert back == [(1, "one"), (2, "two"), (3, "three")]

    with pytest.raises(ValueError, match="no column 'nope'"):
        bulk_insert(engine, table, ("nope",), [(1,)], how=how)


@pytest.mark.parametrize("how", [None, "core"])
def test_bulk_insert_on_sqlite(tmp_path: Path, how: Any) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'bulk.db'}")
    with engine.connect() as conn:
        assert method(conn) == "executemany"
    _round_trip(engine, how)
    engine.dispose()


@pytest.mark.parametrize("how", [None, "core"])
def test_bulk_insert_on_postgres(pg_url: str, how: Any) -> None:  # noqa: F811
    engine = connect(pg_url)
    with engine.connect() as conn:
        assert method(conn) == "copy"
    _round_trip(engine, how)
    engine.dispose()


def test_to_json_matches_the_general_encoder() -> None:
    import json

    for value in [*JSON_VALUES, [t for t in TEXTS if t is not None], ["a", 1], ["\x00\x1f"]]:
        assert json.loads(to_json(value)) == value


# --- persons: kept persons are updated by one statement, with the same results -------------


def _records(project: Project, tmp_path: Path) -> list[int]:
    data = tmp_path / "list.csv"
    rows = ["Ахметов Нурлан", "Ким Ольга", "Иванов Сергей", "Оспанов Марат", "Ким Айгуль",
            "Серикбаев Тимур"]  # fmt: skip
    data.write_text("ФИО;Пол\n" + "".join(f"{r};М\n" for r in rows), encoding="utf-8")
    import_file(project, data, source="list", kind="ngo")
    with project.engine.connect() as conn:
        return list(conn.execute(select(records.c.id).order_by(records.c.id)).scalars())


def _new_run(engine: Engine) -> int:
    with engine.begin() as conn:
        inserted = conn.execute(
            insert(link_runs).values(
                created_at=dt.datetime.now(dt.UTC),
                seed=1,
                threshold=0.5,
                backend="duckdb",
                summary={},
            )
        ).inserted_primary_key
    assert inserted is not None
    return int(inserted[0])


def _persons(engine: Engine) -> dict[str, tuple[Any, ...]]:
    with engine.connect() as conn:
        return {
            r.person_id: (r.first_run_id, r.last_run_id, r.size, r.weak, r.density, r.active)
            for r in conn.execute(select(persons))
        }


def _members(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(
            conn.execute(select(person_records.c.record_key, person_records.c.person_id)).all()
        )


def _store(engine: Engine, run: int, clusters: list[Cluster], keys: dict[int, str]) -> list[str]:
    ids = assign_ids(engine, clusters, keys)
    store_persons(engine, run, clusters, ids, keys)
    return ids


def _check_persons_rerun(project: Project, tmp_path: Path) -> None:
    engine = project.engine
    r = _records(project, tmp_path)
    keys = {rid: f"key-{rid}" for rid in r}
    run1 = _new_run(engine)
    first = [
        Cluster((r[0], r[1]), 1.0, False),
        Cluster((r[2],), 1.0, False),
        Cluster((r[3], r[4]), 0.5, True),
        Cluster((r[5],), 1.0, False),
    ]
    assert _store(engine, run1, first, keys) == ["P000001", "P000002", "P000003", "P000004"]
    assert _persons(engine) == {
        "P000001": (run1, run1, 2, False, 1.0, True),
        "P000002": (run1, run1, 1, False, 1.0, True),
        "P000003": (run1, run1, 2, True, 0.5, True),
        "P000004": (run1, run1, 1, False, 1.0, True),
    }
    # The next run splits the first person, joins the last two and keeps the rest.
    run2 = _new_run(engine)
    second = [
        Cluster((r[0],), 1.0, False),
        Cluster((r[1],), 1.0, False),
        Cluster((r[2],), 1.0, False),
        Cluster((r[3], r[4], r[5]), 2 / 3, True),
    ]
    assert _store(engine, run2, second, keys) == ["P000001", "P000005", "P000002", "P000003"]
    expected = {
        "P000001": (run1, run2, 1, False, 1.0, True),
        "P000002": (run1, run2, 1, False, 1.0, True),
        "P000003": (run1, run2, 3, True, 2 / 3, True),
        "P000004": (run1, run1, 1, False, 1.0, False),  # absorbed: kept, inactive
        "P000005": (run2, run2, 1, False, 1.0, True),
    }
    assert _persons(engine) == expected
    assert _members(engine) == {
        keys[r[0]]: "P000001", keys[r[1]]: "P000005", keys[r[2]]: "P000002",
        keys[r[3]]: "P000003", keys[r[4]]: "P000003", keys[r[5]]: "P000003",
    }  # fmt: skip
    # The same clusters again (the temporary table of the last run is gone): nothing moves
    # but the run id.
    run3 = _new_run(engine)
    assert _store(engine, run3, second, keys) == ["P000001", "P000005", "P000002", "P000003"]
    assert _persons(engine) == {
        pid: (f, run3 if active else last, size, weak, density, active)
        for pid, (f, last, size, weak, density, active) in expected.items()
    }


def test_persons_rerun_on_sqlite(project: Project, tmp_path: Path) -> None:
    _check_persons_rerun(project, tmp_path)


@pytest.fixture
def pg_project(tmp_path: Path, pg_url: str) -> Iterator[Project]:  # noqa: F811
    project = Project.init(tmp_path / "case", database=pg_url)
    yield project
    project.close()


def test_persons_rerun_on_postgres(pg_project: Project, tmp_path: Path) -> None:
    assert pg_project.engine.dialect.name == "postgresql"
    _check_persons_rerun(pg_project, tmp_path)
