"""What happened to each linked person, decided across their records.

A record names at most one event type (the importer keeps the final outcome of a sequence
such as "wounded, later died"). A person's event types are the union over their records;
a record that names nothing takes its list's default type, if the list has one. Some
outcomes exclude each other (killed and detained alive, killed and disappeared): a person
whose records say both is a *conflict*, shown for review and never guessed at. A human
decision names the types that hold for the records involved; it is keyed by stable record
keys, so it survives every re-link, and it is appended, never updated.

A list *captures* a person for type T when one of the person's records on that list
names T (or names nothing and T is the list's default): estimation per event type uses
exactly this, so that a list of detainees does not inflate the number killed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Integer, String, Table, Text, insert, select

from qantar.errors import N_, InputError
from qantar.link._tables import person_records, persons
from qantar.model import EventType, parse_enum
from qantar.model.dicts import jsonable
from qantar.model.values import EVENT_TYPES
from qantar.project import Project
from qantar.store.schema import metadata, records, sources

# Deaths: the killed, and those who died in custody. The toll estimated by MSE is of the
# killed only; died-in-custody is estimated on its own (custody deaths reach lists through
# other channels, so pooling them would mix two capture processes) and both are shown.
DEATH_TYPES = ("killed", "died_in_custody")
# The order every count and table follows: deaths first, then what the living suffered.
_FIRST = ("killed", "died_in_custody", "disappeared", "detained", "tortured", "injured")
ORDER = tuple(t for t in _FIRST if t in EVENT_TYPES) + tuple(
    t for t in EVENT_TYPES if t not in _FIRST
)

# Pairs of outcomes that cannot both be true of one person. Detained and died in custody
# are compatible (one follows the other), as are detained and disappeared (an enforced
# disappearance begins with a detention); injured and tortured combine with anything.
EXCLUSIVE = frozenset(
    frozenset(pair)
    for pair in (
        ("killed", "detained"),
        ("killed", "disappeared"),
        ("killed", "died_in_custody"),
        ("died_in_custody", "disappeared"),
    )
)

event_type_decisions = Table(
    "event_type_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    # The records whose event types were decided, by stable key (they outlive persons).
    Column("record_keys", JSON, nullable=False),
    Column("event_types", JSON, nullable=False),
    Column("decided_by", String(200), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
)


@dataclass(frozen=True)
class EventDecision:
    id: int
    record_keys: tuple[str, ...]
    event_types: tuple[str, ...]
    decided_by: str
    decided_at: dt.datetime
    note: str | None


@dataclass(frozen=True)
class RecordEvent:
    """One record of a person: where it comes from and the types it counts for."""

    record_key: str
    source: str
    stated: str | None  # what the record itself says (None: nothing)
    types: tuple[str, ...]  # after the list default and any decision
    decided: bool


@dataclass(frozen=True)
class PersonEvents:
    person_id: str
    records: tuple[RecordEvent, ...]
    conflicts: tuple[tuple[str, str], ...] = ()

    @property
    def types(self) -> tuple[str, ...]:
        found = {t for r in self.records for t in r.types}
        return tuple(t for t in ORDER if t in found)

    def captured_by(self, event_type: str) -> tuple[str, ...]:
        """The lists that documented this person as ``event_type``."""
        return tuple(sorted({r.source for r in self.records if event_type in r.types}))

    @property
    def untyped(self) -> bool:
        return not self.types


@dataclass
class EventSummary:
    """Documented persons per event type (a person may count under several types)."""

    persons: int
    by_type: dict[str, int]
    untyped: int
    conflicts: int
    deaths: int  # killed or died in custody (each person once)
    list_defaults: dict[str, str | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "persons": self.persons,
                "by_type": dict(self.by_type),
                "untyped": self.untyped,
                "conflicts": self.conflicts,
                "deaths": self.deaths,
                "list_defaults": dict(self.list_defaults),
            }
        )


def check_event_type(value: EventType | str) -> str:
    return parse_enum(EventType, value, field="event_type").value


def list_defaults(project: Project) -> dict[str, str | None]:
    """Each list's default event type, for its records that name none.

    ``[events] list_defaults = {morgue = "killed"}`` in qantar.toml says it outright;
    otherwise a list whose typed records all agree (and at least one is typed) defaults to
    that type; a list of mixed types has none (its untyped records count for no type)."""
    configured = project.settings.events.list_defaults
    query = (
        select(sources.c.name, records.c.event_type)
        .join(records, records.c.source_id == sources.c.id, isouter=True)
        .distinct()
    )
    seen: dict[str, set[str]] = defaultdict(set)
    with project.engine.connect() as conn:
        for name, event_type in conn.execute(query):
            types = seen.setdefault(name, set())
            if event_type:
                types.add(event_type)
    out: dict[str, str | None] = {}
    for name, types in sorted(seen.items()):
        if name in configured:
            out[name] = str(configured[name])
        else:
            out[name] = next(iter(types)) if len(types) == 1 else None
    return out


def current_event_decisions(project: Project) -> list[EventDecision]:
    """Every decision, oldest first (later ones override earlier ones record by record)."""
    query = select(event_type_decisions).order_by(
        event_type_decisions.c.decided_at, event_type_decisions.c.id
    )
    with project.engine.connect() as conn:
        return [
            EventDecision(
                r.id,
                tuple(r.record_keys),
                tuple(r.event_types),
                r.decided_by,
                r.decided_at,
                r.note,
            )
            for r in conn.execute(query)
        ]


def _conflicts(
    records_: list[RecordEvent], decided: dict[str, tuple[str, ...]]
) -> list[tuple[str, str]]:
    types = {t for r in records_ for t in r.types}
    # Types a person decided together (e.g. detained, then killed) are not in conflict.
    accepted = [set(decided[r.record_key]) for r in records_ if r.record_key in decided]
    found = []
    for pair in sorted(tuple(sorted(p)) for p in EXCLUSIVE):
        a, b = pair
        if a in types and b in types and not any({a, b} <= s for s in accepted):
            found.append((a, b))
    return found


def person_events(project: Project) -> dict[str, PersonEvents]:
    """Every active person's records with the event types each counts for, and conflicts."""
    defaults = list_defaults(project)
    decided: dict[str, tuple[str, ...]] = {}
    for d in current_event_decisions(project):
        for key in d.record_keys:
            decided[key] = d.event_types
    query = (
        select(
            person_records.c.person_id,
            person_records.c.record_key,
            sources.c.name.label("source"),
            records.c.event_type,
        )
        .join(records, records.c.id == person_records.c.record_id)
        .join(sources, sources.c.id == records.c.source_id)
        .join(persons, persons.c.person_id == person_records.c.person_id)
        .where(persons.c.active.is_(True))
        .order_by(person_records.c.person_id, person_records.c.record_key)
    )
    by_person: dict[str, list[RecordEvent]] = defaultdict(list)
    with project.engine.connect() as conn:
        for pid, key, source, stated in conn.execute(query):
            if key in decided:
                types, is_decided = decided[key], True
            elif stated:
                types, is_decided = (stated,), False
            else:
                default = defaults.get(source)
                types, is_decided = ((default,) if default else ()), False
            by_person[pid].append(RecordEvent(key, source, stated or None, types, is_decided))
    return {
        pid: PersonEvents(pid, tuple(recs), tuple(_conflicts(recs, decided)))
        for pid, recs in sorted(by_person.items())
    }


def event_summary(project: Project) -> EventSummary:
    """Documented persons per event type, untyped persons, conflicts awaiting review."""
    events = person_events(project)
    by_type = {t: 0 for t in ORDER}
    for p in events.values():
        for t in p.types:
            by_type[t] += 1
    return EventSummary(
        persons=len(events),
        by_type=by_type,
        untyped=sum(1 for p in events.values() if p.untyped),
        conflicts=sum(1 for p in events.values() if p.conflicts),
        deaths=sum(1 for p in events.values() if set(p.types) & set(DEATH_TYPES)),
        list_defaults=list_defaults(project),
    )


def event_conflicts(project: Project) -> list[PersonEvents]:
    """Persons whose records name outcomes that exclude each other, awaiting a decision."""
    return [p for p in person_events(project).values() if p.conflicts]


def decide_event_types(
    project: Project,
    person_id: str,
    event_types: list[str] | tuple[str, ...],
    *,
    by: str,
    note: str | None = None,
    when: dt.datetime | None = None,
) -> EventDecision:
    """Record what happened to a person: ``event_types`` hold for every record of theirs
    that names an event type (or takes one from its list). Several types may be given
    when both are true (detained, later killed). Kept by record key: a re-link keeps it."""
    types = tuple(dict.fromkeys(check_event_type(t) for t in event_types))
    if not types:
        raise InputError(N_("name at least one event type (--type)"))
    if not by.strip():
        raise InputError(N_("say who decided: --by NAME"))
    person = person_events(project).get(person_id)
    if person is None:
        raise InputError(
            N_("no active person %(person)s: see `qantar events --conflicts`"),
            person=repr(person_id),
        )
    keys = tuple(sorted(r.record_key for r in person.records if r.types or r.stated))
    if not keys:
        raise InputError(
            N_("no record of %(person)s names an event type; nothing to decide between"),
            person=person_id,
        )
    when = when or dt.datetime.now(dt.UTC)
    with project.engine.begin() as conn:
        new_id = conn.execute(
            insert(event_type_decisions).values(
                record_keys=list(keys),
                event_types=list(types),
                decided_by=by.strip(),
                decided_at=when,
                note=note,
            )
        ).inserted_primary_key
    assert new_id is not None
    return EventDecision(int(new_id[0]), keys, types, by.strip(), when, note)
