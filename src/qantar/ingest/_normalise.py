"""From one row's cells to a record's fields, raw and parsed side by side, with problems.

What quarantines a whole row (no record is made; the raw row is kept):
  - the row has a different number of cells than the header (columns may be shifted, so no
    field can be trusted), or the line is not JSON / not a JSON object;
  - the row is blank, or has values only in columns that are not mapped.
What keeps the row and quarantines one field (the record is made, the field's raw text is
kept in ``*_raw`` and its parsed value left empty, and a quarantine entry says why):
  - a date, age, sex or event type that cannot be read.
A place the gazetteer does not know is not a problem: villages are missing from it; the raw
text is kept and ``place_id`` stays empty.

This is the hot loop of an import (a million rows a run), hence the compiled column plan
and the per-import caches of parsed values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from qantar.ingest._gazetteer import Gazetteer
from qantar.ingest._mapping import MULTI_FIELDS, ColumnMapping, MappingRules
from qantar.ingest._parse import (
    ParseProblem,
    parse_age,
    parse_date,
    parse_event_type,
    parse_sex,
)
from qantar.ingest._readers import cell_text

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


class RowRejected(Exception):
    """The whole row goes to quarantine."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.reason)
        self.problem = problem


def _cached(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """A parser returning the value, or the problem's reason as a ``ParseProblem``
    instance, memoised per import (lists repeat the same dates and words endlessly)."""
    cache: dict[str, Any] = {}

    def run(text: str) -> Any:
        try:
            return cache[text]
        except KeyError:
            pass
        try:
            value = parse(text)
        except ParseProblem as exc:
            value = exc
        if len(cache) < _CACHE_LIMIT:
            cache[text] = value
        return value

    return run


class Normaliser:
    """Turns rows into record fields under one mapping."""

    def __init__(self, rules: MappingRules, gazetteer: Gazetteer) -> None:
        self.rules = rules
        self.gazetteer = gazetteer
        self._keys: dict[str, ColumnMapping] = {}
        self._key_index: dict[str, int] = {}
        self._taken: set[str] = set()
        order = rules.date_order

        def date(text: str) -> tuple[str, str]:
            parsed = parse_date(text.strip(), order)
            return parsed.iso(), parsed.precision.value

        self._date = _cached(date)
        self._age = _cached(parse_age)
        self._sex = _cached(lambda t: parse_sex(t).value)
        self._event = _cached(parse_event_type)
        self._place = _cached(self._lookup_place)
        self._template: list[Any] = [None] * len(RECORD_FIELDS)
        self._template[_AT["sex"]] = "U"
        self.compile([])

    def _lookup_place(self, text: str) -> tuple[str, str] | None:
        place = self.gazetteer.lookup(text)
        return (place.id, place.kind) if place else None

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
        self._one = {f: cols[0] for f, cols in by_field.items()}
        self._places = [(i, h) for i, h, _ in by_field.get("place", [])]
        self._notes = [(i, h) for i, h, _ in by_field.get("notes", [])]
        self._width = 1 + max((i for cols in by_field.values() for i, _, _ in cols), default=-1)

    # JSON objects name their columns per row; map each new key once, in order of discovery.
    def key_mapping(self, key: str) -> ColumnMapping:
        found = self._keys.get(key)
        if found is None:
            found = self.rules.column(key, key)
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
        one = self._one

        def take(name: str) -> tuple[str, str, str | None] | None:
            hit = one.get(name)
            if hit is None:
                return None
            value = cells[hit[0]]
            if not value or value.isspace():
                return None
            return value, hit[1], hit[2]

        hit = take("sex")
        if hit:
            seen = True
            out[_AT["sex_raw"]] = hit[0]
            parsed = self._sex(hit[0])
            if isinstance(parsed, ParseProblem):
                problems.append(Problem(hit[1], hit[0], f"sex: {parsed}"))
            else:
                out[_AT["sex"]] = parsed
        for name in ("birth_date", "event_date"):
            hit = take(name)
            if hit:
                seen = True
                out[_AT[name + "_raw"]] = hit[0]
                parsed = self._date(hit[0])
                if isinstance(parsed, ParseProblem):
                    problems.append(Problem(hit[1], hit[0], f"{name}: {parsed}"))
                else:
                    out[_AT[name]], out[_AT[name + "_precision"]] = parsed
        hit = take("age")
        if hit:
            seen = True
            out[_AT["age_raw"]] = hit[0]
            parsed = self._age(hit[0])
            if isinstance(parsed, ParseProblem):
                problems.append(Problem(hit[1], hit[0], f"age: {parsed}"))
            else:
                out[_AT["age"]] = parsed
        hit = take("event_type")
        if hit:
            seen = True
            out[_AT["event_type_raw"]] = hit[0]
            parsed = self._event(hit[0])
            if isinstance(parsed, ParseProblem):
                problems.append(Problem(hit[1], hit[0], f"event_type: {parsed}"))
            else:
                out[_AT["event_type"]] = parsed
        else:
            date_hit = take("event_date")
            if date_hit and date_hit[2]:
                out[_AT["event_type"]] = date_hit[2]
            elif "event_type" in self.rules.defaults:
                out[_AT["event_type"]] = self.rules.defaults["event_type"]
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
                raise RowRejected(
                    Problem(None, None, "no value in any mapped column; see the raw row")
                )
            raise RowRejected(Problem(None, None, "blank row"))
        return out, problems
