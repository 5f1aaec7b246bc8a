"""Persons with stable ids: a re-run keeps each cluster's previous id where it can.

A new cluster takes the id of the previous person it shares the most records with
(each previous id goes to one cluster only, the one with the largest overlap); clusters
with no usable previous id get new ones. Ids are never reused for someone else.
"""

from __future__ import annotations

from collections import Counter
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
    func,
    select,
    update,
)

from qantar.link._cluster import Cluster
from qantar.link._tables import person_records, persons
from qantar.store.bulk import bulk_insert


def _next_number(engine: Engine) -> int:
    with engine.connect() as conn:
        ids = conn.execute(select(persons.c.person_id)).scalars().all()
    numbers = [int(i[1:]) for i in ids if i.startswith("P") and i[1:].isdigit()]
    return max(numbers, default=0) + 1


def assign_ids(engine: Engine, clusters: list[Cluster], record_keys: dict[int, str]) -> list[str]:
    """A person id for each cluster, reusing previous ids by largest overlap."""
    with engine.connect() as conn:
        previous = dict(
            conn.execute(select(person_records.c.record_key, person_records.c.person_id)).all()
        )
    candidates: list[tuple[int, str, int]] = []
    for index, c in enumerate(clusters):
        overlap = Counter(previous[record_keys[m]] for m in c.members if record_keys[m] in previous)
        for pid, n in overlap.items():
            candidates.append((n, pid, index))
    # Largest overlaps first; ties broken by id so that the result is deterministic.
    candidates.sort(key=lambda t: (-t[0], t[1], t[2]))
    taken: set[str] = set()
    result: list[str | None] = [None] * len(clusters)
    for _n, pid, index in candidates:
        if result[index] is None and pid not in taken:
            result[index] = pid
            taken.add(pid)
    number = _next_number(engine)
    out: list[str] = []
    for pid in result:
        if pid is None:
            pid = f"P{number:06d}"
            number += 1
        out.append(pid)
    return out


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


def store_persons(
    engine: Engine,
    run_id: int,
    clusters: list[Cluster],
    ids: list[str],
    record_keys: dict[int, str],
) -> None:
    """Persons of this run, active; every other person inactive (ids are never reused);
    each record's person."""
    with engine.begin() as conn:
        known = set(conn.execute(select(persons.c.person_id)).scalars())
        conn.execute(delete(person_records))
        conn.execute(update(persons).values(active=False))
        kept: list[tuple[Any, ...]] = []
        new: list[tuple[Any, ...]] = []
        for c, pid in zip(clusters, ids, strict=True):
            values = (pid, run_id, len(c.members), c.weak, c.density)
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
        bulk_insert(
            conn,
            person_records,
            ("record_key", "person_id", "record_id"),
            [
                (record_keys[m], pid, m)
                for c, pid in zip(clusters, ids, strict=True)
                for m in c.members
            ],
        )


def person_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(persons).where(persons.c.active)).scalar()
            or 0
        )
