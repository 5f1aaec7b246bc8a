"""Everything known of each linked person, gathered once from records: the private view.

Nothing here is public. ``_public.py`` turns these facts into what may be shown.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from qantar.errors import N_, QantarError
from qantar.ingest import Gazetteer
from qantar.names import ParsedName, script_of, to_cyrillic, transliterate
from qantar.project import Project
from qantar.publish._listed import cells_by_header, chosen_text, says_withhold
from qantar.store.readers import fill_parsed_names, stored_name, written_name
from qantar.store.schema import (
    import_batches,
    person_records,
    persons,
    raw_rows,
    records,
    sources,
)

LATIN_SCHEME = "icao"  # as in passports: the Latin spelling most readers will search for
MEMORIAL_EVENT_TYPES = ("killed", "died_in_custody")  # the deaths (qantar.link.DEATH_TYPES)
# Whose spelling of a name is shown when nobody chose one: the source closest to the
# family first. A family writes the name as the family does (Kazakh letters included);
# an NGO usually copies it from the family; the press from either; hospitals, morgues and
# official lists write what a clerk typed from a Russified document.
SPELLING_ORDER = ("family", "ngo", "media", "hospital", "morgue", "official", "other")


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
    notes: tuple[str, ...]  # private: rules may test them, the public never sees them
    sources: tuple[str, ...]
    # Text of the columns made public on purpose ([publish] circumstances_columns).
    public_notes: tuple[str, ...] = ()
    # Records whose list says "do not publish" (a consent column, or those words anywhere).
    listed_withhold: tuple[str, ...] = ()
    # The record whose spelling is shown, and whether someone chose it (else the default).
    name_from: str | None = None
    name_chosen: bool = False
    # Every record's spelling: (record key, source, source kind, name as written).
    recorded_names: tuple[tuple[str, str, str, str], ...] = ()
    # Every name part any record parses to (private: what redaction must catch).
    name_words: tuple[str, ...] = ()

    @property
    def named(self) -> bool:
        return bool(self.surname or self.given)

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
    named: list[tuple[str, str, ParsedName]] = field(default_factory=list)  # key, kind, name
    recorded: list[tuple[str, str, str, str]] = field(default_factory=list)
    public_notes: list[str] = field(default_factory=list)
    listed_withhold: list[str] = field(default_factory=list)
    ages: list[int] = field(default_factory=list)
    sexes: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    events: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)


def _parsed(row: Any) -> ParsedName | None:
    """The name parsed when the record was stored, the same parse linkage compared; a
    placeholder («неизвестный») parsed to nothing, never to an initial «Н.»."""
    p = stored_name(row)
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


def _kind_rank(kind: str) -> int:
    return SPELLING_ORDER.index(kind) if kind in SPELLING_ORDER else len(SPELLING_ORDER)


def _parts(p: ParsedName) -> tuple[str | None, str | None, str | None]:
    return p.surname, p.given, p.patronymic


def _fullness(p: ParsedName) -> int:
    return sum(1 for x in _parts(p) if x)


def _best_name(
    named: list[tuple[str, str, ParsedName]], choices: dict[str, int]
) -> tuple[str | None, str | None, str | None, str | None, str | None, bool]:
    """Surname, given name, patronymic in Cyrillic, a Latin spelling if a list had one, the
    record whose spelling is shown and whether someone chose it.

    A chosen spelling (``choose_spelling``) wins; else the source closest to the family
    (``SPELLING_ORDER``) among Cyrillic spellings (Latin ones only when no list wrote the
    name in Cyrillic), then the fullest and most frequent. A
    person only ever written in Latin letters gets a Cyrillic form by ``to_cyrillic``."""
    if not named:
        return None, None, None, None, None, False
    parsed = [p for _, _, p in named]
    lat = [p for p in parsed if p.script == "latin"]
    latin_written = None
    if lat:
        top = max(_fullness(p) for p in lat)
        latin_written = _common(
            " ".join(x for x in _parts(p) if x) for p in lat if _fullness(p) == top
        )
    chosen = [(choices[k], k, p) for k, _, p in named if k in choices]
    if chosen:
        _, key, best = max(chosen, key=lambda t: t[0])
    else:
        counts = Counter(_parts(p) for p in parsed)

        def rank(item: tuple[str, str, ParsedName]) -> tuple[Any, ...]:
            key, kind, p = item
            return (
                p.script != "cyrillic",
                _kind_rank(kind),
                -_fullness(p),
                -counts[_parts(p)],
                tuple(x or "" for x in _parts(p)),
                key,
            )

        key, _, best = min(named, key=rank)
    s, g, pa = _parts(best)
    if best.script != "cyrillic":
        latin_written = " ".join(x for x in (s, g, pa) if x) or latin_written
        s, g, pa = (to_cyrillic(x) if x else None for x in (s, g, pa))
    return s, g, pa, latin_written, key, bool(chosen)


def place_label(place_id: str | None, places: Gazetteer) -> str | None:
    """A place's English name (its id if the gazetteer lacks it)."""
    return places.label(place_id)


def _choices(project: Project, keys: Iterable[str]) -> dict[str, int]:
    """Record key -> id of the latest spelling choice naming it."""
    from qantar.publish._tables import name_choices

    wanted = set(keys)
    with project.engine.connect() as conn:
        rows = conn.execute(select(name_choices.c.record_key, name_choices.c.id)).all()
    return {k: int(i) for k, i in rows if k in wanted}


def _headers(project: Project, batch_ids: Iterable[int]) -> dict[int, list[Any]]:
    with project.engine.connect() as conn:
        rows = conn.execute(
            select(import_batches.c.id, import_batches.c.headers).where(
                import_batches.c.id.in_(sorted(set(batch_ids)))
            )
        ).all()
    return {int(i): list(h or []) for i, h in rows}


def person_facts(project: Project, only: Iterable[str] | None = None) -> list[PersonFacts]:
    """One entry per active linked person (or those of ``only``), sorted by person id."""
    places = project.gazetteer
    query = (
        select(
            person_records.c.person_id,
            person_records.c.record_key,
            sources.c.name.label("source"),
            sources.c.kind.label("source_kind"),
            raw_rows.c.cells.label("raw_cells"),
            records,
        )
        .join(records, records.c.id == person_records.c.record_id)
        .join(sources, sources.c.id == records.c.source_id)
        .join(raw_rows, raw_rows.c.id == records.c.raw_row_id)
        .join(persons, persons.c.person_id == person_records.c.person_id)
        .where(persons.c.active.is_(True))
        .order_by(person_records.c.person_id, records.c.id)
    )
    if only is not None:
        query = query.where(person_records.c.person_id.in_(list(only)))
    try:
        with project.engine.begin() as conn:
            fill_parsed_names(conn)  # records written by other means than an import
            rows = conn.execute(query).all()
    except Exception as exc:  # the link tables may not exist on a project never linked
        raise QantarError(N_("no persons yet: run `qantar link` first")) from exc
    headers = _headers(project, (row.batch_id for row in rows))
    choices = _choices(project, (row.record_key for row in rows))
    public_columns = circumstances_columns(project)
    acc: dict[str, _Acc] = defaultdict(_Acc)
    for row in rows:
        a = acc[row.person_id]
        a.keys.append(row.record_key)
        written = written_name(row)
        if written:
            a.recorded.append((row.record_key, row.source, row.source_kind, written))
        p = _parsed(row)
        if p is not None:
            a.parsed.append(p)
            a.named.append((row.record_key, row.source_kind, p))
        raw = cells_by_header(row.raw_cells, headers.get(row.batch_id, []))
        if says_withhold(raw):
            a.listed_withhold.append(row.record_key)
        if public_columns:
            a.public_notes.extend(chosen_text(raw, public_columns))
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
        surname, given, patronymic, latin, name_from, chosen = _best_name(a.named, choices)
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
                spellings=tuple(
                    sorted({p.original for p in a.parsed} | {r[3] for r in a.recorded})
                ),
                sex=_common(a.sexes) or "U",
                age=_common(a.ages),
                youngest_age=min(a.ages) if a.ages else None,
                event_date=min(day_dates) if day_dates else (min(a.dates) if a.dates else None),
                place_id=place,
                region_id=places.region_of(place),
                event_types=tuple(sorted(a.events)),
                notes=tuple(dict.fromkeys(a.notes)),
                sources=tuple(sorted(a.sources)),
                public_notes=tuple(dict.fromkeys(a.public_notes)),
                listed_withhold=tuple(sorted(set(a.listed_withhold))),
                name_from=name_from,
                name_chosen=chosen,
                recorded_names=tuple(a.recorded),
                name_words=tuple(
                    sorted({x for p in a.parsed for x in (p.surname, p.given, p.patronymic) if x})
                ),
            )
        )
    return out


def circumstances_columns(project: Project) -> tuple[str, ...]:
    """``[publish] circumstances_columns``: the list columns whose text is published as
    circumstances. None by default: free text can name relatives, phones, addresses."""
    return tuple(v for v in project.settings.publish.circumstances_columns if v.strip())


__all__ = ["PersonFacts", "person_facts", "place_label", "script_of"]
