"""Many rows into one table at once, by the fastest way the database offers.

Every bulk write of the project (an import's raw rows and records, a link run's pairs and
persons) goes through ``bulk_insert``:

- PostgreSQL through psycopg: ``COPY ... FROM STDIN``, several times faster than
  row-by-row ``executemany`` on a server (one round trip a chunk, no statement per row);
- SQLite: straight to the driver's ``executemany`` (SQLAlchemy's per-row parameter
  processing took most of the time at a million rows), which releases the GIL while it
  inserts, so a caller can write from a background thread while it parses the next chunk;
- any other database: a SQLAlchemy Core ``insert`` with many parameter sets.

JSON columns are encoded here for the two fast paths (their drivers see plain text); the
Core path hands Python values to the column's JSON type as usual.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from typing import Any, Literal

from sqlalchemy import Connection, Engine, Table

Method = Literal["copy", "executemany", "core"]

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_string = json.encoder.encode_basestring


def to_json(value: Any) -> str:
    """JSON text of a value; a list of strings (every CSV and sheet row) without the general
    encoder's overhead, which is a fifth of an import's time otherwise."""
    if type(value) is list and all(type(c) is str for c in value):
        return "[" + ",".join(map(_string, value)) + "]"
    return _encode(value)


def method(conn: Connection) -> Method:
    """How ``bulk_insert`` writes on this connection."""
    dialect = conn.dialect
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        return "copy"
    if dialect.name == "sqlite":
        return "executemany"
    return "core"


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def bulk_insert(
    target: Connection | Engine,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    json_columns: Collection[str] = (),
    encoded_json: Collection[str] = (),
    how: Method | None = None,
) -> int:
    """Insert ``rows`` (sequences of values in the order of ``columns``) into ``table``;
    returns how many. On a ``Connection`` the rows join its transaction; on an ``Engine``
    they go in one transaction of their own.

    ``json_columns`` hold Python values stored as JSON. ``encoded_json`` hold JSON already
    encoded as text by ``to_json`` (a caller that encodes while it parses, so that a
    background writer thread does nothing but write). ``how``: the fastest way the
    connection offers unless given (``"core"`` works everywhere; the tests use it to run the
    portable path on a real database).
    """
    if isinstance(target, Engine):
        with target.begin() as conn:
            return bulk_insert(
                conn, table, columns, rows, json_columns=json_columns,
                encoded_json=encoded_json, how=how,
            )  # fmt: skip
    conn = target
    for name in columns:
        if name not in table.c:
            raise ValueError(f"table {table.name} has no column {name!r}")
    how = how or method(conn)
    if how == "core":
        decoded = [i for i, c in enumerate(columns) if c in encoded_json]
        batch = []
        for row in rows:
            values = dict(zip(columns, row, strict=True))
            for i in decoded:
                values[columns[i]] = json.loads(row[i])
            batch.append(values)
        if batch:
            conn.execute(table.insert(), batch)
        return len(batch)
    encode = [i for i, c in enumerate(columns) if c in json_columns]
    # A list of tuples goes to the driver as it is (an import's chunks); anything else is
    # made one (SQLAlchemy takes only tuples as positional parameter sets).
    prepared: list[Any]
    if isinstance(rows, list) and not encode and (not rows or type(rows[0]) is tuple):
        prepared = rows
    else:
        prepared = _encoded(rows, encode)
    if not prepared:
        return 0
    names = ", ".join(_quote(conn, c) for c in columns)
    if how == "copy":
        driver = conn.connection.driver_connection
        with (
            driver.cursor() as cursor,  # type: ignore[union-attr]
            cursor.copy(f"COPY {_quote(conn, table.name)} ({names}) FROM STDIN") as copy,
        ):
            for row in prepared:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        conn.exec_driver_sql(
            f"INSERT INTO {_quote(conn, table.name)} ({names}) VALUES ({marks})",
            prepared,
        )
    return len(prepared)


def _encoded(rows: Iterable[Sequence[Any]], positions: list[int]) -> list[tuple[Any, ...]]:
    if not positions:
        return [tuple(row) for row in rows]
    out: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(row)
        for i in positions:
            values[i] = to_json(values[i])
        out.append(tuple(values))
    return out
