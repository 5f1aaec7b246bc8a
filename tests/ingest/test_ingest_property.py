"""Import never loses a row: stored + quarantined = read, and every row is kept verbatim,
for arbitrary cell contents."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from qantar import Project
from qantar.errors import InputError
from qantar.ingest import import_file
from qantar.store import quarantine, raw_rows, records, sources

HEADER = ["№", "ФИО", "Пол", "Дата рождения", "Возраст", "Дата", "Место", "Статус", "Что-то"]

# Any text a cell can hold in a CSV file: everything but NUL (which no text table holds)
# and lone surrogates (which no encoding can write).
cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=30,
)
# Values that look like what the parsers expect, so rows also reach the parsing paths.
likely = st.sampled_from(
    ["", " ", "М", "ж", "05.01.2022", "5 қаңтар 2022", "34 года", "~34", "погиб", "Алматы",
     "31.02.2022", "сто", "задержан, ранен", "г. Алматы, Медеуский р-н", "2022", "\r\n", '"']
)  # fmt: skip
cell = st.one_of(cell_text, likely)
row = st.lists(cell, min_size=len(HEADER) - 1, max_size=len(HEADER) + 1)

_counter = itertools.count()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, Path]]:
    root = tmp_path_factory.mktemp("prop")
    project = Project.init(root / "case")
    yield project, root
    project.close()


def _check(project: Project, result_batch: int, expected_rows: list[object]) -> None:
    with project.engine.connect() as conn:
        stored_rows = [
            r.cells
            for r in conn.execute(
                select(raw_rows.c.cells)
                .where(raw_rows.c.batch_id == result_batch)
                .order_by(raw_rows.c.id)
            )
        ]
        n_records = conn.execute(
            select(func.count()).where(records.c.batch_id == result_batch)
        ).scalar_one()
        held = conn.execute(
            select(func.count(func.distinct(quarantine.c.raw_row_id))).where(
                quarantine.c.batch_id == result_batch,
                ~quarantine.c.raw_row_id.in_(select(records.c.raw_row_id)),
            )
        ).scalar_one()
    assert stored_rows == expected_rows
    assert n_records + held == len(expected_rows)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(row, min_size=1, max_size=12),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    delimiter=st.sampled_from([";", ",", "\t"]),
)
def test_csv_import_never_loses_a_row(
    shared: tuple[Project, Path], rows: list[list[str]], encoding: str, delimiter: str
) -> None:
    project, root = shared
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path = root / f"list{next(_counter)}.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    # One project for every example: two examples may draw the same rows.
    result = import_file(project, path, source=f"s{path.stem}", force=True)
    assert result.rows_read == len(rows)
    assert result.rows_stored + result.rows_quarantined == result.rows_read
    assert result.batch_id is not None
    _check(project, result.batch_id, rows)


json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | cell,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(cell_text, inner, max_size=3),
    max_leaves=6,
)
json_row = st.one_of(
    st.dictionaries(st.sampled_from(["ФИО", "Дата", "Пол", "Возраст", "x", "id"]), json_value),
    st.dictionaries(cell_text, json_value, max_size=4),
    json_value,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(json_row, min_size=1, max_size=10), lines=st.booleans())
def test_json_import_never_loses_a_row(
    shared: tuple[Project, Path], rows: list[object], lines: bool
) -> None:
    project, root = shared
    path = root / f"list{next(_counter)}.{'jsonl' if lines else 'json'}"
    if lines:
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    else:
        path.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    try:
        # One project for every example: two examples may draw the same rows.
        result = import_file(project, path, source=f"s{path.stem}", force=True)
    except InputError as refused:
        # Refusing a whole file (no key recognised anywhere, or none holding names) is
        # allowed, writing part of it is not.
        assert "no key is recognised" in str(refused) or "holds the person's name" in str(refused)
        with project.engine.connect() as conn:
            assert (
                conn.execute(
                    select(func.count())
                    .select_from(sources)
                    .where(sources.c.name == f"s{path.stem}")
                ).scalar_one()
                == 0
            )
        return
    assert result.rows_read == len(rows)
    assert result.rows_stored + result.rows_quarantined == result.rows_read
    assert result.batch_id is not None
    _check(project, result.batch_id, rows)
