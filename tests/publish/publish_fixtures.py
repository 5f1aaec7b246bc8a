"""Small projects with linked persons written straight into the real store, for fast tests.

Linkage itself is tested in tests/link; here the persons are given, as a link run leaves
them (sources, batches, raw rows, records, a link run, persons, person_records).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert

import qantar.link  # noqa: F401  (link tables on the shared metadata)
from qantar import Project
from qantar.store.schema import import_batches, metadata, raw_rows, records, sources


@dataclass(frozen=True)
class Given:
    """One record of a person as a list wrote it."""

    person: str
    source: str
    surname: str | None = None
    given: str | None = None
    patronymic: str | None = None
    name: str | None = None
    age: int | None = None
    event_date: str | None = "2022-01-05"
    place_id: str | None = "almaty"
    event_type: str | None = "killed"
    notes: str | None = None
    sex: str = "M"
    cells: dict[str, Any] | None = None  # the raw row as the list had it (header -> text)
    kind: str = "ngo"  # the kind of the source (the first record of a source sets it)


def store(project: Project, given: list[Given]) -> None:
    now = dt.datetime.now(dt.UTC)
    persons = metadata.tables["persons"]
    person_records = metadata.tables["person_records"]
    link_runs = metadata.tables["link_runs"]
    with project.engine.begin() as conn:
        source_ids: dict[str, int] = {}
        batch_ids: dict[str, int] = {}
        kinds: dict[str, str] = {}
        for g in given:
            kinds.setdefault(g.source, g.kind)
        for name in sorted(kinds):
            sid = conn.execute(
                insert(sources).values(name=name, kind=kinds[name], created_at=now)
            ).inserted_primary_key[0]
            source_ids[name] = sid
            batch_ids[name] = conn.execute(
                insert(import_batches).values(
                    source_id=sid,
                    file_name=f"{name}.csv",
                    sha256=hashlib.sha256(name.encode()).hexdigest(),
                    size=1,
                    file_format="csv",
                    headers=[],
                    mapping={},
                    rows_read=0,
                    rows_stored=0,
                    rows_quarantined=0,
                    forced=False,
                    imported_at=now,
                )
            ).inserted_primary_key[0]
        run_id = conn.execute(
            insert(link_runs).values(
                created_at=now, seed=1, threshold=0.5, backend="duckdb", summary={}
            )
        ).inserted_primary_key[0]
        sizes: dict[str, int] = {}
        for g in given:
            sizes[g.person] = sizes.get(g.person, 0) + 1
        for pid, size in sizes.items():
            conn.execute(
                insert(persons).values(
                    person_id=pid,
                    first_run_id=run_id,
                    last_run_id=run_id,
                    size=size,
                    weak=False,
                    density=1.0,
                    active=True,
                )
            )
        for i, g in enumerate(given, start=1):
            cells: dict[str, Any] = g.cells if g.cells is not None else {"n": i}
            raw_id = conn.execute(
                insert(raw_rows).values(batch_id=batch_ids[g.source], row_number=i, cells=cells)
            ).inserted_primary_key[0]
            rid = conn.execute(
                insert(records).values(
                    raw_row_id=raw_id,
                    batch_id=batch_ids[g.source],
                    source_id=source_ids[g.source],
                    row_number=i,
                    source_record_id=str(i),
                    name_raw=g.name,
                    surname_raw=g.surname,
                    given_raw=g.given,
                    patronymic_raw=g.patronymic,
                    sex=g.sex,
                    age=g.age,
                    event_type=g.event_type,
                    event_date=g.event_date,
                    place_id=g.place_id,
                    notes=g.notes,
                )
            ).inserted_primary_key[0]
            conn.execute(
                insert(person_records).values(
                    record_key=f"{g.source}#{i}", person_id=g.person, record_id=rid
                )
            )


def clear_decisions(project: Project) -> None:
    from qantar.publish._tables import publication_decisions

    with project.engine.begin() as conn:
        conn.execute(delete(publication_decisions))
