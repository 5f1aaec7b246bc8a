"""From one row's cells to a record's fields, raw and parsed side by side, with problems.

What quarantines a whole row (no record is made; the raw row is kept):
  - the row has a different number of cells than the header (columns may be shifted, so no
    field can be trusted), or the line is not JSON / not a JSON object;
  - the row is blank, or has values only in columns that are not mapped.
What keeps the row and quarantines one field (the record is made, the field's raw text is
kept in ``*_raw`` and its parsed value left empty, and a quarantine entry says why):
  - a date, age, sex or event type that cannot be read;
  - a date that cannot be true: a birth or an event after today, a birth after the event
    (the birth date is the one left empty: lists copy the event's date from their scope,
    while a birth year is where a typo lands).
A place the gazetteer does not know is not a problem: villages are missing from it; the raw
text is kept and ``place_id`` stays empty.

This is the hot loop of an import (a million rows a run), hence the compiled column plan
and the per-import caches of parsed values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from qantar.ingest._gazetteer import Gazetteer
from qantar.ingest._mapping import MULTI_FIELDS, ColumnMapping, MappingRules
from qantar.ingest._parse import (
    LATEST_TWO_DIGIT_YEAR,
    ParseProblem,
    parse_age,
    parse_date,
    parse_event_type,
    parse_serial_date,
    parse_sex,
)
from qantar.ingest._readers import cell_text
from qantar.ingest._reasons import field_reason
from qantar.ingest._sheets import EXCEL_1900
from qantar.notes import N_, Note

RECORD_FIELDS = (
    "source_record_id",
    "name_raw",
    "surname_raw",
    "given_raw",
    "patronymic_raw",
    "sex_raw",
    "sex",
    "birth_date_raw",
    "birth_date",
    "birth_date_precision",
    "age_raw",
    "age",
    "event_type_raw",
    "event_type",
    "event_date_raw",
    "event_date",
    "event_date_precision",
    "place_raw",
    "place_id",
    "notes",
)
_AT = {name: i for i, name in enumerate(RECORD_FIELDS)}
_TEXT_FIELDS = (
    ("source_record_id", "source_record_id"),
    ("name", "name_raw"),
    ("surname", "surname_raw"),
    ("given", "given_raw"),
    ("patronymic", "patronymic_raw"),
)
_CACHE_LIMIT = 200_000


@dataclass(frozen=True)
class Problem:
    column: str | None
    value: str | None
    reason: str


def _first_day(iso: str) -> str:
    return {4: iso + "-01-01", 7: iso + "-01"}.get(len(iso), iso)


def _last_day(iso: str) -> str:
    # "-31" bounds every month as a string: no real date of the month compares above it
    return {4: iso + "-12-31", 7: iso + "-31"}.get(len(iso), iso)


_AFTER_TODAY = Note(N_("after today"))
_AFTER_EVENT = Note(N_("after the event date"))
_UNMAPPED = Note(N_("no value in any mapped column; see the raw row"))
_BLANK = Note(N_("blank row"))


class RowRejected(Exception):
    """The whole row goes to quarantine."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.reason)
        self.problem = problem


_MISSING = object()
# One parsed field of the plan: cell index, header, parser, raw position, value positions,
# cache, field name.
_Step = tuple[int, str, Callable[[str], tuple[Any, ...]], int, tuple[int, ...], dict[str, Any], str]


def _compute(cache: dict[str, Any], parse: Callable[[str], tuple[Any, ...]], text: str) -> Any:
    """Parse once per distinct text per import (lists repeat the same dates and words
    endlessly); a problem is cached too, as the ``ParseProblem`` itself."""
    try:
        value: Any = parse(text)
    except ParseProblem as exc:
        value = exc
    if len(cache) < _CACHE_LIMIT:
        cache[text] = value
    return value


class Normaliser:
    """Turns rows into record fields under one mapping."""

    def __init__(
        self,
        rules: MappingRules,
        gazetteer: Gazetteer,
        *,
        today: dt.date | None = None,
        date_epoch: dt.date | None = None,
        latest_year: int = LATEST_TWO_DIGIT_YEAR,
    ) -> None:
        self.rules = rules
        self.gazetteer = gazetteer
        # A day of grace: a list made in Almaty (UTC+5) is a day ahead of UTC in the evening.
        self._latest = ((today or dt.date.today()) + dt.timedelta(days=1)).isoformat()
        self._keys: dict[str, ColumnMapping] = {}
        self._key_index: dict[str, int] = {}
        self._taken: set[str] = set()
        order = rules.date_order

        # Day numbers in a date column: the mapping file's date system, else the workbook's.
        epoch = rules.date_epoch or date_epoch or EXCEL_1900

        def date(text: str) -> tuple[str, str]:
            cleaned = text.strip()
            parsed = parse_serial_date(cleaned, epoch) or parse_date(cleaned, order, latest_year)
            return parsed.iso(), parsed.precision.value

        # field -> (parser giving a tuple, record positions of raw text and parsed values)
        self._parsers: dict[str, tuple[Callable[[str], tuple[Any, ...]], int, tuple[int, ...]]] = {
            "sex": (lambda t: (parse_sex(t).value,), _AT["sex_raw"], (_AT["sex"],)),
            "birth_date": (
                date, _AT["birth_date_raw"], (_AT["birth_date"], _AT["birth_date_precision"])
            ),
            "event_date": (
                date, _AT["event_date_raw"], (_AT["event_date"], _AT["event_date_precision"])
            ),
            "age": (lambda t: (parse_age(t),), _AT["age_raw"], (_AT["age"],)),
            "event_type": (
                lambda t: (parse_event_type(t),), _AT["event_type_raw"], (_AT["event_type"],)
            ),
        }  # fmt: skip
        self._place = self._lookup_place
        self._places_cache: dict[str, tuple[str, str] | None] = {}
        self._template: list[Any] = [None] * len(RECORD_FIELDS)
        self._template[_AT["sex"]] = "U"
        self.compile([])

    def _lookup_place(self, text: str) -> tuple[str, str] | None:
        try:
            return self._places_cache[text]
        except KeyError:
            pass
        place = self.gazetteer.lookup(text)
        found = (place.id, place.kind) if place else None
        if len(self._places_cache) < _CACHE_LIMIT:
            self._places_cache[text] = found
        return found

    def compile(self, columns: Sequence[ColumnMapping]) -> None:
        """Fix the plan: which cell index feeds which field."""
        by_field: dict[str, list[tuple[int, str, str | None]]] = {}
        for position, column in enumerate(columns):
            if column.field:
                index = column.column if isinstance(column.column, int) else position
                by_field.setdefault(column.field, []).append(
                    (index, column.header, column.implied_event_type)
                )
        self._text = [
            (_AT[target], by_field[f][0][0]) for f, target in _TEXT_FIELDS if f in by_field
        ]
        self._parsed: list[_Step] = [
            (cols[0][0], cols[0][1], self._parsers[f][0], self._parsers[f][1],
             self._parsers[f][2], {}, f)
            for f, cols in by_field.items()
            if f in self._parsers
        ]  # fmt: skip
        event_date = by_field.get("event_date")
        self._implied_index = event_date[0][0] if event_date and event_date[0][2] else None
        self._implied = event_date[0][2] if event_date else None
        self._has_event_type = "event_type" in by_field
        self._date_headers: dict[str, str] = {
            f: by_field[f][0][1] for f in ("birth_date", "event_date") if f in by_field
        }
        self._default_event = self.rules.defaults.get("event_type")
        self._places = [(i, h) for i, h, _ in by_field.get("place", [])]
        self._notes = [(i, h) for i, h, _ in by_field.get("notes", [])]
        self._width = 1 + max((i for cols in by_field.values() for i, _, _ in cols), default=-1)

    def _check_dates(self, out: list[Any], problems: list[Problem]) -> None:
        """Empty a parsed date that cannot be true, with a problem naming the field. ISO
        strings compare as dates; a partial date is judged by its earliest and latest day."""
        for name in ("birth_date", "event_date"):
            iso = out[_AT[name]]
            if iso is not None and _first_day(iso) > self._latest:
                self._reject(out, problems, name, _AFTER_TODAY)
        birth, event = out[_AT["birth_date"]], out[_AT["event_date"]]
        if birth is not None and event is not None and _first_day(birth) > _last_day(event):
            self._reject(out, problems, "birth_date", _AFTER_EVENT)

    def _reject(self, out: list[Any], problems: list[Problem], name: str, why: str) -> None:
        out[_AT[name]] = out[_AT[f"{name}_precision"]] = None
        header = self._date_headers.get(name)
        problems.append(Problem(header, out[_AT[f"{name}_raw"]], field_reason(name, why)))

    # JSON objects name their columns per row; map each new key once, in order of discovery.
    def key_mapping(self, key: str) -> ColumnMapping:
        found = self._keys.get(key)
        if found is None:
            found = self.rules.column(key, key)
            if found.field and self.rules.is_weak_name(key):
                # Keys arrive one by one: "Погибший" (perhaps a yes/no) cannot wait to learn
                # whether a plain "ФИО" follows, so in JSON it is mapped only by hand.
                found = ColumnMapping(key, key, None, "unknown")
            name = found.field
            if name is not None and name not in MULTI_FIELDS:
                if name in self._taken:
                    found = ColumnMapping(key, key, None, f"duplicate of {name}")
                else:
                    self._taken.add(name)
            self._keys[key] = found
            self._key_index[key] = len(self._key_index)
            self.compile(list(self._keys.values()))
        return found

    @property
    def discovered(self) -> list[ColumnMapping]:
        return list(self._keys.values())

    def object_cells(self, row: dict[str, Any]) -> list[str]:
        """A JSON object's values as cell texts in key-discovery order."""
        for key in row:
            if str(key) not in self._keys:
                self.key_mapping(str(key))
        cells = [""] * len(self._key_index)
        for key, value in row.items():
            cells[self._key_index[str(key)]] = cell_text(value)
        return cells

    def fields(self, cells: Sequence[str]) -> tuple[list[Any], list[Problem]]:
        """Record fields (in ``RECORD_FIELDS`` order) and the problems of single fields.
        Raises RowRejected when the whole row must go to quarantine."""
        if len(cells) < self._width:
            cells = [*cells, *([""] * (self._width - len(cells)))]
        out = self._template.copy()
        problems: list[Problem] = []
        seen = False
        for at, index in self._text:
            value = cells[index]
            if value and not value.isspace():
                out[at] = value
                seen = True
        for index, header, parse, raw_at, value_ats, cache, name in self._parsed:
            value = cells[index]
            if not value or value.isspace():
                continue
            seen = True
            out[raw_at] = value
            parsed = cache.get(value, _MISSING)
            if parsed is _MISSING:
                parsed = _compute(cache, parse, value)
            if parsed.__class__ is ParseProblem:
                problems.append(Problem(header, value, field_reason(name, parsed.reason)))
            else:
                out[value_ats[0] : value_ats[0] + len(parsed)] = parsed
        if out[_AT["birth_date"]] is not None or out[_AT["event_date"]] is not None:
            self._check_dates(out, problems)
        if out[_AT["event_type_raw"]] is None:
            # No status given: the date column's name may say what happened ("Дата гибели"),
            # else the mapping file's default for the whole list.
            implied_at = self._implied_index
            if implied_at is not None and cells[implied_at] and not cells[implied_at].isspace():
                out[_AT["event_type"]] = self._implied
            elif self._default_event is not None:
                out[_AT["event_type"]] = self._default_event
        if self._places:
            places = [(cells[i], h) for i, h in self._places if cells[i] and not cells[i].isspace()]
            if places:
                seen = True
                if len(places) == 1:
                    out[_AT["place_raw"]] = places[0][0]
                    found = self._place(places[0][0])
                    if isinstance(found, tuple):
                        out[_AT["place_id"]] = found[0]
                else:
                    joined = MULTI_FIELDS["place"].join(t for t, _ in places)
                    out[_AT["place_raw"]] = joined
                    known = [p for p in (self._place(t) for t, _ in places) if isinstance(p, tuple)]
                    if not known:
                        whole = self._place(joined)
                        known = [whole] if isinstance(whole, tuple) else []
                    if known:
                        cities = [p for p in known if p[1] == "city"]
                        out[_AT["place_id"]] = (cities or known)[0][0]
        if self._notes:
            notes = [(cells[i], h) for i, h in self._notes if cells[i] and not cells[i].isspace()]
            if len(notes) == 1:
                out[_AT["notes"]] = notes[0][0]
                seen = True
            elif notes:
                out[_AT["notes"]] = MULTI_FIELDS["notes"].join(f"{h}: {t}" for t, h in notes)
                seen = True
        if not seen:
            if any(c and not c.isspace() for c in cells):
                raise RowRejected(Problem(None, None, _UNMAPPED))
            raise RowRejected(Problem(None, None, _BLANK))
        return out, problems
