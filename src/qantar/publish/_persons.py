"""Everything known of each linked person, gathered once from records: the private view.

Nothing here is public. ``_public.py`` turns these facts into what may be shown.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select

from qantar.data import read_csv
from qantar.errors import QantarError
from qantar.names import ParsedName, parse, parse_parts, script_of, to_cyrillic, transliterate
from qantar.project import Project
from qantar.store.schema import metadata, records, sources

LATIN_SCHEME = "icao"  # as in passports: the Latin spelling most readers will search for
MEMORIAL_EVENT_TYPES = ("killed", "died_in_custody")  # the deaths (qantar.link.DEATH_TYPES)


@dataclass(frozen=True)
class PersonFacts:
    person_id: str
    record_keys: tuple[str, ...]
    surname: str | None  # Cyrillic
    given: str | None
    patronymic: str | None
    latin_written: str | None  # a Latin spelling some list used, if any
    spellings: tuple[str, ...]  # every name as the lists wrote it (private: leak tests)
    sex: str
    age: int | None  # most common across lists
    youngest_age: int | None  # what rules see: a person any list calls a minor is one
    event_date: str | None
    place_id: str | None
    region_id: str | None
    event_types: tuple[str, ...]
    notes: tuple[str, ...]
    sources: tuple[str, ...]

    @property
    def name_cyrillic(self) -> str:
        return " ".join(p for p in (self.surname, self.given, self.patronymic) if p)

    @property
    def name_latin(self) -> str:
        return self.latin_written or transliterate(self.name_cyrillic, LATIN_SCHEME)

    @property
    def in_memorial(self) -> bool:
        """Killed per some list, or no list says what happened (lists of the dead often
        do not); persons only ever listed as detained or injured are not memorialised."""
        return not self.event_types or any(t in MEMORIAL_EVENT_TYPES for t in self.event_types)

    def rule_facts(self) -> dict[str, Any]:
        """The fields publication rules can test (docs/publish.md)."""
        return {
            "age": self.youngest_age,
            "sex": self.sex,
            "event_type": list(self.event_types),
            "event_date": self.event_date,
            "place": self.place_id,
            "region": self.region_id,
            "sources": list(self.sources),
            "source_count": len(self.sources),
            "notes": " | ".join(self.notes),
            "person_id": self.person_id,
        }


@dataclass
class _Acc:
    keys: list[str] = field(default_factory=list)
    parsed: list[ParsedName] = field(default_factory=list)
    ages: list[int] = field(default_factory=list)
    sexes: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    events: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)


def _link_tables() -> tuple[Table, Table]:
    import qantar.link  # noqa: F401  (defines the link tables on the shared metadata)

    return metadata.tables["persons"], metadata.tables["person_records"]


def _parsed(row: Any) -> ParsedName | None:
    if row.surname_raw or row.given_raw or row.patronymic_raw:
        p = parse_parts(row.surname_raw, row.given_raw, row.patronymic_raw)
    elif row.name_raw:
        p = parse(row.name_raw)
    else:
        return None
    return p if (p.surname or p.given) else None


def _age(row: Any) -> int | None:
    if row.age is not None:
        return int(row.age)
    born_day, died_day = row.birth_date or "", row.event_date or ""
    if len(born_day) == 10 and len(died_day) == 10:
        born = dt.date.fromisoformat(row.birth_date)
        died = dt.date.fromisoformat(row.event_date)
        return died.year - born.year - ((died.month, died.day) < (born.month, born.day))
    return None


def _common(values: Iterable[Any]) -> Any:
    counts = Counter(v for v in values if v not in (None, ""))
    if not counts:
        return None
    best = max(counts.values())
    return min(v for v, n in counts.items() if n == best)


def _best_name(parsed: list[ParsedName]) -> tuple[str | None, str | None, str | None, str | None]:
    """Surname, given name, patronymic in Cyrillic, and a Latin spelling if a list had one.

    The fullest Cyrillic spelling wins (most parts, then most frequent); a person only
    ever written in Latin letters gets a Cyrillic form by ``to_cyrillic``."""
    if not parsed:
        return None, None, None, None

    def parts(p: ParsedName) -> tuple[str | None, str | None, str | None]:
        return p.surname, p.given, p.patronymic

    def fullness(p: ParsedName) -> int:
        return sum(1 for x in parts(p) if x)

    cyr = [p for p in parsed if p.script == "cyrillic"]
    lat = [p for p in parsed if p.script == "latin"]
    latin_written = None
    if lat:
        top = max(fullness(p) for p in lat)
        best_lat = _common(" ".join(x for x in parts(p) if x) for p in lat if fullness(p) == top)
        latin_written = best_lat
    if cyr:
        top = max(fullness(p) for p in cyr)
        choice = Counter(parts(p) for p in cyr if fullness(p) == top).most_common()
        best = max(n for _, n in choice)
        s, g, pa = min((c for c, n in choice if n == best), key=lambda t: tuple(x or "" for x in t))
        return s, g, pa, latin_written
    top = max(fullness(p) for p in lat)
    s0, g0, p0 = next(parts(p) for p in lat if fullness(p) == top)
    return (
        to_cyrillic(s0) if s0 else None,
        to_cyrillic(g0) if g0 else None,
        to_cyrillic(p0) if p0 else None,
        latin_written,
    )


def region_of(place_id: str | None) -> str | None:
    """The region a place belonged to in January 2022 (a region is its own region)."""
    if not place_id:
        return None
    for row in read_csv("kz/places.csv"):
        if row["id"] == place_id:
            if row["kind"] == "region":
                return place_id
            # Almaty, Astana and Shymkent are cities of republican significance: regions of
            # their own, with no region above them.
            return row["region_id_jan2022"] or row["region_id"] or place_id
    return None


def place_label(place_id: str | None) -> str | None:
    if not place_id:
        return None
    for row in read_csv("kz/places.csv"):
        if row["id"] == place_id:
            return row["name_en"] or row["name_ru"]
    return place_id


def person_facts(project: Project, only: Iterable[str] | None = None) -> list[PersonFacts]:
    """One entry per active linked person (or those of ``only``), sorted by person id."""
    persons, person_records = _link_tables()
    query = (
        select(
            person_records.c.person_id,
            person_records.c.record_key,
            sources.c.name.label("source"),
            records,
        )
        .join(records, records.c.id == person_records.c.record_id)
        .join(sources, sources.c.id == records.c.source_id)
        .join(persons, persons.c.person_id == person_records.c.person_id)
        .where(persons.c.active.is_(True))
        .order_by(person_records.c.person_id, records.c.id)
    )
    if only is not None:
        query = query.where(person_records.c.person_id.in_(list(only)))
    try:
        with project.engine.connect() as conn:
            rows = conn.execute(query).all()
    except Exception as exc:  # the link tables may not exist on a project never linked
        raise QantarError("no persons yet: run `qantar link` first") from exc
    acc: dict[str, _Acc] = defaultdict(_Acc)
    for row in rows:
        a = acc[row.person_id]
        a.keys.append(row.record_key)
        p = _parsed(row)
        if p is not None:
            a.parsed.append(p)
        age = _age(row)
        if age is not None:
            a.ages.append(age)
        if row.sex and row.sex != "U":
            a.sexes.append(row.sex)
        if row.event_date:
            a.dates.append(row.event_date)
        if row.place_id:
            a.places.append(row.place_id)
        if row.event_type:
            a.events.add(row.event_type)
        if row.notes and row.notes.strip():
            a.notes.append(row.notes.strip())
        a.sources.add(row.source)
    out = []
    for pid in sorted(acc):
        a = acc[pid]
        surname, given, patronymic, latin = _best_name(a.parsed)
        day_dates = [d for d in a.dates if len(d) == 10]
        place = _common(a.places)
        out.append(
            PersonFacts(
                person_id=pid,
                record_keys=tuple(sorted(a.keys)),
                surname=surname,
                given=given,
                patronymic=patronymic,
                latin_written=latin,
                spellings=tuple(sorted({p.original for p in a.parsed})),
                sex=_common(a.sexes) or "U",
                age=_common(a.ages),
                youngest_age=min(a.ages) if a.ages else None,
                event_date=min(day_dates) if day_dates else (min(a.dates) if a.dates else None),
                place_id=place,
                region_id=region_of(place),
                event_types=tuple(sorted(a.events)),
                notes=tuple(dict.fromkeys(a.notes)),
                sources=tuple(sorted(a.sources)),
            )
        )
    return out


__all__ = ["PersonFacts", "person_facts", "place_label", "region_of", "script_of"]
