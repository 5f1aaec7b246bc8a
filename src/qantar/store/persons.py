"""Writing the linked persons: the store's writer for ``persons`` and ``person_records``.

``qantar.link`` decides who is whom and which id each person keeps; this module only
stores the outcome, so that the shared tables have one writer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    select,
    update,
)

from qantar.store.bulk import bulk_insert
from qantar.store.schema import person_records, persons

# Kept persons' new values go to a temporary table, then into persons by one UPDATE ... FROM
# (SQLite >= 3.33 and PostgreSQL): a re-run of a large project keeps most of its persons,
# and one UPDATE per person was slow there (storing 49k kept persons: 7.8 s against 0.8 s
# on SQLite, 13.1 s against 3.3 s on PostgreSQL, on our shared two-core machine).
_changes = Table(
    "qantar_person_changes",
    MetaData(),
    Column("person_id", String(20), primary_key=True),
    Column("last_run_id", Integer, nullable=False),
    Column("size", Integer, nullable=False),
    Column("weak", Boolean, nullable=False),
    Column("density", Float, nullable=False),
    prefixes=["TEMPORARY"],
)
_CHANGE_COLUMNS = ("person_id", "last_run_id", "size", "weak", "density")


def write_persons(
    engine: Engine,
    run_id: int,
    linked: Sequence[tuple[str, int, bool, float]],
    members: Sequence[tuple[str, str, int]],
) -> None:
    """The persons of link run ``run_id`` (id, size, weak, density), active; every other
    person inactive (ids are never reused); each record's person (record key, person id,
    record id). One transaction: a reader sees the old persons or the new, never a mix."""
    with engine.begin() as conn:
        known = set(conn.execute(select(persons.c.person_id)).scalars())
        conn.execute(delete(person_records))
        conn.execute(update(persons).values(active=False))
        kept: list[tuple[Any, ...]] = []
        new: list[tuple[Any, ...]] = []
        for pid, size, weak, density in linked:
            values = (pid, run_id, size, weak, density)
            (kept if pid in known else new).append(values)
        if kept:
            _changes.drop(conn, checkfirst=True)
            _changes.create(conn)
            bulk_insert(conn, _changes, _CHANGE_COLUMNS, kept)
            conn.execute(
                update(persons)
                .where(persons.c.person_id == _changes.c.person_id)
                .values(
                    last_run_id=_changes.c.last_run_id,
                    size=_changes.c.size,
                    weak=_changes.c.weak,
                    density=_changes.c.density,
                    active=True,
                )
            )
            _changes.drop(conn)
        bulk_insert(
            conn,
            persons,
            ("person_id", "first_run_id", "last_run_id", "size", "weak", "density", "active"),
            [(pid, run_id, *rest, True) for pid, *rest in new],
        )
        bulk_insert(conn, person_records, ("record_key", "person_id", "record_id"), members)
