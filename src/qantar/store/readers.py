"""Typed readers of the shared tables, for every area, and the stored name parse.

Areas do not name the shared tables: they ask here. A record comes back with its name as
parsed when it was stored and its dates as ``PartialDate``; linked persons and the
record-to-person links come back as plain values. (The persons' writer is
``qantar.store.persons``.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, select, update

from qantar.model.values import PartialDate
from qantar.names import ParsedName, parse_record
from qantar.store.schema import LIVE, person_records, persons, records, sources

PARSE_VERSION = 1
"""Bumped when ``qantar.names.parse_record`` changes what it makes of a name: records
parsed by an older version are parsed again (``fill_parsed_names``)."""

PARSED_NAME_COLUMNS = (
    "name_surname",
    "name_given",
    "name_patronymic",
    "name_given_initial",
    "name_patronymic_initial",
    "name_sex",
    "name_script",
    "name_parsed",
)
NAME_FIELDS = ("name_raw", "surname_raw", "given_raw", "patronymic_raw")

_CHUNK = 5000


@lru_cache(maxsize=1 << 16)
def parsed_name_values(
    name_raw: str | None, surname_raw: str | None, given_raw: str | None, patronymic_raw: str | None
) -> tuple[Any, ...]:
    """The stored columns (``PARSED_NAME_COLUMNS`` order) of a record's name fields."""
    p = parse_record(name_raw, surname_raw, given_raw, patronymic_raw)
    return (
        p.surname,
        p.given,
        p.patronymic,
        p.given_initial,
        p.patronymic_initial,
        p.sex,
        p.script,
        PARSE_VERSION,
    )


def with_parsed_name(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` (record fields by column name) with its parsed name columns, as stored."""
    values = parsed_name_values(*(row.get(f) for f in NAME_FIELDS))
    return {**row, **dict(zip(PARSED_NAME_COLUMNS, values, strict=True))}


def written_name(row: Any) -> str:
    """A record's name as its list wrote it (the parts joined when the list had columns)."""
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k, None)
    parts = [get("surname_raw"), get("given_raw"), get("patronymic_raw")]
    if any(parts):
        return " ".join(str(x).strip() for x in parts if x and str(x).strip())
    return str(get("name_raw") or "").strip()


def stored_name(row: Any) -> ParsedName:
    """The parsed name stored on a record row (a mapping or a row with the columns)."""
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k, None)
    return ParsedName(
        original=written_name(row),
        surname=get("name_surname"),
        given=get("name_given"),
        patronymic=get("name_patronymic"),
        given_initial=get("name_given_initial"),
        patronymic_initial=get("name_patronymic_initial"),
        sex=get("name_sex") or "U",
        script=get("name_script") or "empty",
    )


def fill_parsed_names(conn: Connection, batch_id: int | None = None) -> int:
    """Parse the names of records stored without a current parse (written by other means
    than an import, or by an older parser); returns how many were parsed."""
    stale = (records.c.name_parsed.is_(None)) | (records.c.name_parsed != PARSE_VERSION)
    done = 0
    last = 0
    while True:
        query = (
            select(records.c.id, *(records.c[f] for f in NAME_FIELDS))
            .where(stale, records.c.id > last)
            .order_by(records.c.id)
            .limit(_CHUNK)
        )
        if batch_id is not None:
            query = query.where(records.c.batch_id == batch_id)
        rows = conn.execute(query).all()
        if not rows:
            return done
        last = rows[-1][0]
        values = [
            {
                "_id": row[0],
                **{
                    f"p_{c}": v
                    for c, v in zip(PARSED_NAME_COLUMNS, parsed_name_values(*row[1:]), strict=True)
                },
            }
            for row in rows
        ]
        conn.execute(
            update(records)
            .where(records.c.id == bindparam("_id"))
            .values({c: bindparam(f"p_{c}") for c in PARSED_NAME_COLUMNS}),
            values,
        )
        done += len(rows)


@dataclass(frozen=True)
class Record:
    """One record of the registry as stored at import: raw fields beside parsed ones."""

    id: int
    record_key: str | None
    source: str
    batch_id: int
    row_number: int
    source_record_id: str | None
    written_name: str
    name: ParsedName
    sex: str
    birth_date: PartialDate | None
    age: int | None
    event_type: str | None
    event_date: PartialDate | None
    place_raw: str | None
    place_id: str | None
    notes: str | None


def _partial(text: str | None) -> PartialDate | None:
    if not text:
        return None
    try:
        return PartialDate.from_iso(text)
    except (TypeError, ValueError):
        return None


def _record(row: Any) -> Record:
    return Record(
        id=int(row.id),
        record_key=row.record_key,
        source=str(row.source),
        batch_id=int(row.batch_id),
        row_number=int(row.row_number),
        source_record_id=row.source_record_id,
        written_name=written_name(row),
        name=stored_name(row),
        sex=row.sex or "U",
        birth_date=_partial(row.birth_date),
        age=row.age,
        event_type=row.event_type,
        event_date=_partial(row.event_date),
        place_raw=row.place_raw,
        place_id=row.place_id,
        notes=row.notes,
    )


def _conn_source(bind: Engine | Connection | Any) -> Engine | Connection:
    """A Project's engine, or the Engine or Connection given."""
    if isinstance(bind, Engine | Connection):
        return bind
    engine: Engine = bind.engine
    return engine


@contextmanager
def _connected(target: Engine | Connection) -> Iterator[Connection]:
    """The caller's own connection, or a new one from an engine for this read."""
    if isinstance(target, Connection):
        yield target
        return
    with target.connect() as conn:
        yield conn


def iter_records(
    bind: Engine | Connection | Any, source: str | None = None, ids: Sequence[int] | None = None
) -> Iterator[Record]:
    """Live records (retracted batches left out) in import order, of one source or all."""
    query = (
        select(records, sources.c.name.label("source"))
        .join(sources, sources.c.id == records.c.source_id)
        .where(LIVE)
        .order_by(records.c.id)
    )
    if source is not None:
        query = query.where(sources.c.name == source)
    if ids is not None:
        query = query.where(records.c.id.in_(sorted(set(ids))))
    target = _conn_source(bind)
    if isinstance(target, Connection):
        yield from (_record(r) for r in target.execute(query))
        return
    with target.connect() as conn:
        for row in conn.execution_options(yield_per=5000).execute(query):
            yield _record(row)


@dataclass(frozen=True)
class Person:
    """A linked person of the latest link run (or an earlier one, when not active)."""

    person_id: str
    size: int
    weak: bool
    density: float
    active: bool
    first_run_id: int
    last_run_id: int


def read_persons(bind: Engine | Connection | Any, *, active: bool = True) -> list[Person]:
    """Linked persons, by id; only the active ones unless ``active=False``."""
    query = select(persons).order_by(persons.c.person_id)
    if active:
        query = query.where(persons.c.active.is_(True))
    target = _conn_source(bind)
    with _connected(target) as conn:
        return [
            Person(
                person_id=str(r.person_id),
                size=int(r.size),
                weak=bool(r.weak),
                density=float(r.density),
                active=bool(r.active),
                first_run_id=int(r.first_run_id),
                last_run_id=int(r.last_run_id),
            )
            for r in conn.execute(query)
        ]


def person_of_record(bind: Engine | Connection | Any) -> dict[int, str]:
    """Registry record id -> the active linked person holding it (empty before linkage)."""
    query = (
        select(person_records.c.record_id, person_records.c.person_id)
        .join(persons, persons.c.person_id == person_records.c.person_id)
        .where(persons.c.active.is_(True))
    )
    with _connected(_conn_source(bind)) as conn:
        return {int(r[0]): str(r[1]) for r in conn.execute(query)}


def persons_holding(bind: Engine | Connection | Any, record_keys: Sequence[str]) -> set[str]:
    """The ids of the persons (of the latest run) holding any of these record keys."""
    query = select(person_records.c.person_id).where(
        person_records.c.record_key.in_(sorted(set(record_keys)))
    )
    with _connected(_conn_source(bind)) as conn:
        return {str(p) for p in conn.execute(query).scalars()}


def records_linked(bind: Engine | Connection | Any) -> int:
    """How many records a linked person holds."""
    with _connected(_conn_source(bind)) as conn:
        return int(conn.execute(select(func.count()).select_from(person_records)).scalar_one())
