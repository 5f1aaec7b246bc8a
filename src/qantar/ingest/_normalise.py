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
"""

from __future__ import annotations

from collections.abc import Sequence
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


class Normaliser:
    """Turns rows into record fields under one mapping. Keeps no per-row state."""

    def __init__(self, rules: MappingRules, gazetteer: Gazetteer) -> None:
        self.rules = rules
        self.gazetteer = gazetteer
        self._keys: dict[str, ColumnMapping] = {}
        self._taken: set[str] = set()

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
        return found

    @property
    def discovered(self) -> list[ColumnMapping]:
        return list(self._keys.values())

    def fields(
        self, pairs: Sequence[tuple[ColumnMapping, str]], all_cells: Sequence[str]
    ) -> tuple[dict[str, Any], list[Problem]]:
        """Record fields from the (column, text) pairs of mapped columns."""
        values: dict[str, list[tuple[ColumnMapping, str]]] = {}
        for column, text in pairs:
            if text.strip():
                assert column.field is not None
                values.setdefault(column.field, []).append((column, text))
        if not values:
            if any(c.strip() for c in all_cells):
                raise RowRejected(
                    Problem(None, None, "no value in any mapped column; see the raw row")
                )
            raise RowRejected(Problem(None, None, "blank row"))
        problems: list[Problem] = []
        out: dict[str, Any] = dict.fromkeys(RECORD_FIELDS)
        out["sex"] = "U"

        def one(name: str) -> tuple[ColumnMapping, str] | None:
            found = values.get(name)
            return found[0] if found else None

        for name, target in (
            ("source_record_id", "source_record_id"),
            ("name", "name_raw"),
            ("surname", "surname_raw"),
            ("given", "given_raw"),
            ("patronymic", "patronymic_raw"),
        ):
            hit = one(name)
            if hit:
                out[target] = hit[1]

        hit = one("sex")
        if hit:
            out["sex_raw"] = hit[1]
            try:
                out["sex"] = parse_sex(hit[1]).value
            except ParseProblem as exc:
                problems.append(Problem(hit[0].header, hit[1], f"sex: {exc}"))

        order = self.rules.date_order
        for name in ("birth_date", "event_date"):
            hit = one(name)
            if hit:
                out[f"{name}_raw"] = hit[1]
                try:
                    date = parse_date(hit[1].strip(), order)
                except ParseProblem as exc:
                    problems.append(Problem(hit[0].header, hit[1], f"{name}: {exc}"))
                else:
                    out[name] = date.iso()
                    out[f"{name}_precision"] = date.precision.value

        hit = one("age")
        if hit:
            out["age_raw"] = hit[1]
            try:
                out["age"] = parse_age(hit[1])
            except ParseProblem as exc:
                problems.append(Problem(hit[0].header, hit[1], f"age: {exc}"))

        hit = one("event_type")
        if hit:
            out["event_type_raw"] = hit[1]
            try:
                out["event_type"] = parse_event_type(hit[1])
            except ParseProblem as exc:
                problems.append(Problem(hit[0].header, hit[1], f"event_type: {exc}"))
        else:
            date_hit = one("event_date")
            if date_hit and date_hit[0].implied_event_type:
                out["event_type"] = date_hit[0].implied_event_type
            elif "event_type" in self.rules.defaults:
                out["event_type"] = self.rules.defaults["event_type"]

        places = values.get("place")
        if places:
            out["place_raw"] = MULTI_FIELDS["place"].join(text for _, text in places)
            found = [self.gazetteer.lookup(text) for _, text in places]
            known = [p for p in found if p is not None]
            if not known and len(places) > 1:
                joined = self.gazetteer.lookup(out["place_raw"])
                known = [joined] if joined else []
            if known:
                cities = [p for p in known if p.kind == "city"]
                out["place_id"] = (cities or known)[0].id

        notes = values.get("notes")
        if notes:
            if len(notes) == 1:
                out["notes"] = notes[0][1]
            else:
                out["notes"] = MULTI_FIELDS["notes"].join(f"{c.header}: {t}" for c, t in notes)
        return out, problems


def pairs_for_list(
    plan: Sequence[ColumnMapping], cells: Sequence[str]
) -> list[tuple[ColumnMapping, str]]:
    return [(column, cells[column.column]) for column in plan if column.column < len(cells)]  # type: ignore[operator,index]


def pairs_for_object(
    normaliser: Normaliser, row: dict[str, Any]
) -> tuple[list[tuple[ColumnMapping, str]], list[str]]:
    pairs = []
    texts = []
    for key, value in row.items():
        text = cell_text(value)
        texts.append(text)
        column = normaliser.key_mapping(str(key))
        if column.field:
            pairs.append((column, text))
    return pairs, texts
