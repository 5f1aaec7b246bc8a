"""The place as written, and blocking without a birth year or a name, run by DuckDB."""

from __future__ import annotations

from typing import Any

import duckdb
import link_scenario as ls
import pyarrow as pa
import pytest

from qantar import Project
from qantar.link import _features, _settings


def _level(name: str, left: dict[str, Any], right: dict[str, Any]) -> str:
    """The label of the level a pair falls in, for the comparison ``name``."""
    comp = next(c for c in _settings.comparisons() if c["output_column_name"] == name)
    cases = " ".join(
        f"WHEN {lv['sql_condition']} THEN '{lv['label_for_charts']}'"
        for lv in comp["comparison_levels"]
        if lv["sql_condition"] != "ELSE"
    )
    last = comp["comparison_levels"][-1]
    default = last["label_for_charts"] if last["sql_condition"] == "ELSE" else "none"
    columns = sorted(set(left) | set(right))
    values = [left.get(c) for c in columns] + [right.get(c) for c in columns]
    select = ", ".join(
        [f"?::{_type(c)} AS {c}_l" for c in columns] + [f"?::{_type(c)} AS {c}_r" for c in columns]
    )
    got = (
        duckdb.connect()
        .execute(f"SELECT CASE {cases} ELSE '{default}' END FROM (SELECT {select})", values)
        .fetchone()
    )
    assert got is not None
    return str(got[0])


def _type(column: str) -> str:
    return "INT" if column == "birth_year" else "BOOLEAN" if column.endswith("age") else "VARCHAR"


def _place(place_id: str | None = None, written: str | None = None) -> dict[str, Any]:
    return {
        "place_id": place_id,
        "region_id": _features.compute({"place_id": place_id})["region_id"],
        "place_key": _features.place_key(written),
    }


def test_place_key_folds_kind_words_script_and_punctuation() -> None:
    assert _features.place_key("с. Шетпе") == _features.place_key("Shetpe") == "shetpe"
    assert _features.place_key("Алма-Ата") == _features.place_key("alma ata")
    assert _features.place_key("мкр. Самал-2") == _features.place_key("МКР САМАЛ 2")
    assert _features.place_key("Самал-2") != _features.place_key("Самал-3")
    assert _features.place_key("") is None and _features.place_key(None) is None
    assert _features.place_key(" , ") is None


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (_place("almaty", "г. Алматы"), _place("almaty", "Almaty"), "same place, written alike"),
        (_place("almaty", "Алматы, мкр. Самал-2"), _place("almaty", "Алматы"), "same place"),
        (_place("almaty", None), _place("almaty", "Алматы"), "same place"),
        # An unresolved village spelled two ways, in two scripts.
        (_place(None, "с. Шетпе"), _place(None, "Shetpe"), "same place as written"),
        (_place(None, "Бейнеу"), _place(None, "Бейнау"), "place as written close"),
        # Ids taken from another column (a postcode) that disagree while the text agrees.
        (_place("pc2617", "Kambah"), _place("pc2167", "kambah"), "same place as written"),
        (_place("taldykorgan", "Талдыкорган"), _place("talgar", None), "same region"),
        # Two known places of one region, written alike: the ids settle it.
        (
            _place("esik", "Алматинская обл., г. Есик"),
            _place("talgar", "Алматинская обл., г. Талгар"),
            "same region",
        ),
        (_place("almaty", "Алматы"), _place("aktau", "Актау"), "different"),
        (_place("almaty", "Алматы"), _place(None, "мкр. Самал-2"), "written differently"),
        (_place(None, "Шетпе"), _place(None, "Жетыбай"), "written differently"),
        (_place("almaty", None), _place(None, "Шетпе"), "missing"),
        (_place(None, None), _place("almaty", "Алматы"), "missing"),
    ],
)
def test_place_levels(left: dict[str, Any], right: dict[str, Any], expected: str) -> None:
    assert _level("place", left, right) == expected
    assert _level("place", right, left) == expected


def _blocked(left: dict[str, Any], right: dict[str, Any]) -> bool:
    """Whether any blocking rule offers the pair, in either order (Splink picks one)."""
    schema = pa.schema(
        [("record_id", pa.int64())]
        + [
            (c, pa.int64() if c == "birth_year" else pa.bool_() if c == "birth_year_from_age"
             else pa.string())
            for c in _features.LOADED_COLUMNS
        ]
    )  # fmt: skip
    base = dict.fromkeys(_features.LOADED_COLUMNS)
    con = duckdb.connect()
    for first, second in ((left, right), (right, left)):
        rows = [{**base, **first, "record_id": 1}, {**base, **second, "record_id": 2}]
        con.register("t", pa.Table.from_pylist(rows, schema=schema))
        for rule in _settings.blocking_rules():
            sql = (
                rule
                if isinstance(rule, str)
                else rule.get_blocking_rule("duckdb").blocking_rule_sql
            )
            found = con.execute(
                f"SELECT count(*) FROM t l JOIN t r ON l.record_id = 1 AND r.record_id = 2 "
                f"AND ({sql})"
            ).fetchall()
            if found[0][0]:
                return True
    return False


def _person(**extra: Any) -> dict[str, Any]:
    return {"surname_key": "richmond", "given_key": "michael", "given_initial": "m", **extra}


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        # Both names mistyped and no birth year on one side: the place narrows instead.
        (_person(place_id="p1", birth_year=1965),
         _person(surname_key="richmnod", given_key="michadl", place_id="p1"), True),
        (_person(place_id="p1", birth_year=1965),
         _person(surname_key="richmnod", given_key="michadl", place_id="p2"), False),
        (_person(place_id="p1", birth_year=1965),
         _person(surname_key="richmnod", given_key="michadl", place_id="p1", birth_year=1930),
         False),
        # One name missing on one side: the other name and the place.
        (_person(place_id="p1", birth_year=1965),
         _person(given_key=None, given_initial=None, place_id="p1", birth_year=1930), True),
        (_person(place_id="p1"), _person(surname_key=None, place_id="p1"), True),
        (_person(place_id="p1"), _person(given_key=None, given_initial=None, place_id="p2"),
         False),
        # A mistyped birth year: the same day and month.
        (_person(given_key="michadl", birth_date="1943-12-27", birth_year=1943),
         _person(birth_date="1934-12-27", birth_year=1934), True),
        (_person(given_key="michadl", birth_date="1943-12-27", birth_year=1943),
         _person(birth_date="1934-12-28", birth_year=1934), False),
    ],
)  # fmt: skip
def test_blocking_without_a_birth_year_or_a_name(
    left: dict[str, Any], right: dict[str, Any], expected: bool
) -> None:
    assert _blocked(left, right) is expected


def test_loaded_features_carry_the_place_as_written(project: Project) -> None:
    sc = ls.Scenario()
    sc.lists["a"] = [
        {"source_record_id": "1", "surname_raw": "Smith", "given_raw": "Anna",
         "place_raw": "с. Шетпе"},
        {"source_record_id": "2", "surname_raw": "Smith", "given_raw": "Anna",
         "place_raw": "с. Шетпе", "place_id": "almaty"},
        {"source_record_id": "3", "surname_raw": "Smith", "given_raw": "Anna"},
    ]  # fmt: skip
    ls.store(project, sc)
    _features.refresh(project.engine)
    table = _features.load(project.engine)
    assert table.column("place_key").to_pylist() == ["shetpe", "shetpe", None]
    assert table.column("place_id").to_pylist() == [None, "almaty", None]
    assert table.schema == _features.ARROW_SCHEMA
