"""Persons with stable ids: a re-run keeps each cluster's previous id where it can.

A new cluster takes the id of the previous person it shares the most records with
(each previous id goes to one cluster only, the one with the largest overlap); clusters
with no usable previous id get new ones. Ids are never reused for someone else.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Engine, func, select

from qantar.link._cluster import Cluster
from qantar.link._tables import person_records, persons
from qantar.store.persons import write_persons


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


def store_persons(
    engine: Engine,
    run_id: int,
    clusters: list[Cluster],
    ids: list[str],
    record_keys: dict[int, str],
) -> None:
    """Persons of this run, active; every other person inactive (ids are never reused);
    each record's person."""
    write_persons(
        engine,
        run_id,
        [(pid, len(c.members), c.weak, c.density) for c, pid in zip(clusters, ids, strict=True)],
        [(record_keys[m], pid, m) for c, pid in zip(clusters, ids, strict=True) for m in c.members],
    )
    # The review queue's order follows the persons: it is built again on the next request.
    from qantar.link._review_queue import forget_queue

    with engine.begin() as conn:
        forget_queue(conn)


def person_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(persons).where(persons.c.active)).scalar()
            or 0
        )
