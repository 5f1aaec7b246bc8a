"""The blocking rules and comparison levels as SQL, run by DuckDB on small tables."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import pytest

from qantar.link import _features, _settings


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    base = {c: None for c in _features.FEATURE_COLUMNS}
    schema = pa.schema(
        [("record_id", pa.int64())]
        + [
            (c, pa.int64() if c == "birth_year" else pa.bool_() if c == "birth_year_from_age"
             else pa.string())
            for c in _features.FEATURE_COLUMNS
        ]
    )  # fmt: skip
    return pa.Table.from_pylist([{**base, **r} for r in rows], schema=schema)


def _blocked(rows: list[dict[str, Any]]) -> set[tuple[int, int]]:
    """Pairs (l < r) that any blocking rule puts in front of the model."""
    con = duckdb.connect()
    con.register("t", _table(rows))
    out: set[tuple[int, int]] = set()
    for rule in _settings.blocking_rules():
        sql = rule if isinstance(rule, str) else rule.get_blocking_rule("duckdb").blocking_rule_sql
        found = con.execute(
            f"SELECT l.record_id, r.record_id FROM t l JOIN t r "
            f"ON l.record_id < r.record_id AND ({sql})"
        ).fetchall()
        out |= {(int(a), int(b)) for a, b in found}
    return out


NAMED = {
    "surname_key": "ospanov",
    "given_key": "marat",
    "given_initial": "m",
    "sex": "M",
    "birth_year": 1991,
    "event_date": "2022-01-05",
    "place_id": "almaty",
}
BODY = {"sex": "M", "birth_year": 1992, "birth_year_from_age": True, "place_id": "almaty"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({**BODY, "event_date": "2022-01-05"}, True),
        ({**BODY, "event_date": "2022-01-06"}, True),  # a register dates intake, a day later
        ({**BODY, "event_date": "2022-01-09"}, False),
        ({**BODY, "event_date": "2022-01-05", "sex": "F"}, False),
        ({**BODY, "event_date": "2022-01-05", "birth_year": 1960}, False),
        ({**BODY, "event_date": "2022-01-05", "place_id": "taraz"}, False),
    ],
)
def test_a_record_without_a_name_is_compared_with_those_it_could_be(
    body: dict[str, Any], expected: bool
) -> None:
    # Either order: Splink puts either record on the left.
    for rows in ([{"record_id": 1, **NAMED}, {"record_id": 2, **body}],
                 [{"record_id": 1, **body}, {"record_id": 2, **NAMED}]):  # fmt: skip
        assert ((1, 2) in _blocked(rows)) is expected


def test_two_records_without_names_and_nothing_else_are_not_compared() -> None:
    rows = [{"record_id": 1, "sex": "M"}, {"record_id": 2, "sex": "M"}]
    assert _blocked(rows) == set()


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("1975-03-12", "1975-03-13", True),  # a day off
        ("1975-03-12", "1975-12-03", True),  # day and month swapped
        ("1975-03-12", "1976-03-12", True),  # one digit
        ("1975-03-12", "1975-03-21", True),  # two digits transposed
        ("1975-03-12", "1975-07-19", False),
        ("1975-03-12", None, None),
    ],
)
def test_birth_date_slip_level(a: str, b: str | None, expected: bool | None) -> None:
    con = duckdb.connect()
    got = con.execute(
        f"SELECT {_settings._DATE_SLIP} FROM (SELECT ?::VARCHAR AS birth_date_l, "
        "?::VARCHAR AS birth_date_r)",
        [a, b],
    ).fetchone()
    assert got is not None and got[0] is expected


def test_every_comparison_has_a_starting_m_per_level() -> None:
    for comp in _settings.comparisons():
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        assert all(0 < lv["m_probability"] < 1 for lv in levels)


@pytest.mark.parametrize(
    ("birth_year", "from_age", "event_date", "expected"),
    [
        (1991, True, "2022-01-05", True),  # 30 on 5 January 2022
        (1990, True, "2022-01-05", False),  # 31
        (1992, True, "2022-11-20", True),  # 30 late in the year
        (1991, False, "2022-01-05", False),  # a written birth year is no guess
        (1991, True, None, True),  # no event date: the January 2022 events
    ],
)
def test_round_age_is_recognised(
    birth_year: int, from_age: bool, event_date: str | None, expected: bool
) -> None:
    con = duckdb.connect()
    got = con.execute(
        f"SELECT {_settings._round_age('l')} FROM (SELECT ?::INT AS birth_year_l, "
        "?::BOOLEAN AS birth_year_from_age_l, ?::VARCHAR AS event_date_l)",
        [birth_year, from_age, event_date],
    ).fetchone()
    assert got is not None and bool(got[0]) is expected


def test_pairs_of_records_without_a_name_are_counted_before_blocking() -> None:
    named = {**NAMED, "source": "official"}
    bodies = [{**BODY, "surname_key": None, "given_key": None, "event_date": d}
              for d in ("2022-01-05", "2022-01-06", "2022-01-20")]  # fmt: skip
    rows = [named, *bodies, {**NAMED, "place_id": None}]
    # Pairs: body 05 - named, body 05 - body 06, body 06 - named (a day later); 20: none.
    assert _settings.nameless_pairs(pa.Table.from_pylist(rows)) == 3
    assert len(_settings.blocking_rules(nameless=False)) == len(_settings.blocking_rules()) - 6


def _list_level(lists: int, left: str, right: str) -> str:
    comp = next(c for c in _settings.comparisons(lists) if c["output_column_name"] == "list")
    con = duckdb.connect()
    for level in comp["comparison_levels"]:
        sql = level["sql_condition"]
        if sql == "ELSE":
            return str(level["label_for_charts"])
        got = con.execute(
            f"SELECT {sql} FROM (SELECT ?::VARCHAR AS list_key_l, ?::VARCHAR AS list_key_r)",
            [left, right],
        ).fetchone()
        if got is not None and got[0]:
            return str(level["label_for_charts"])
    raise AssertionError("no level")


def test_list_comparison_has_a_level_per_list() -> None:
    s = _settings.source_name
    assert _list_level(3, s(1), s(1)) == "both from list 2"
    assert _list_level(3, s(0), s(2)) == "different lists"
    many = _settings.LIST_LEVELS_UP_TO + 1
    assert _list_level(many, s(4), s(4)) == "same list"
    # One list: nothing to compare.
    assert all(c["output_column_name"] != "list" for c in _settings.comparisons(1))
    levels = next(c for c in _settings.comparisons(3) if c["output_column_name"] == "list")[
        "comparison_levels"
    ]
    assert abs(sum(lv["m_probability"] for lv in levels) - 1.0) < 1e-9


def test_one_name_and_the_place_block_only_while_affordable() -> None:
    # Same surname and place, another given name and birth year: only the broad rule
    # (surname and place) puts this pair in front of the model.
    a = {**NAMED, "record_id": 1}
    b = {**NAMED, "record_id": 2, "given_key": "timur", "given_initial": "t",
         "birth_year": 1975, "event_date": "2022-01-07"}  # fmt: skip
    assert (1, 2) in _blocked([a, b])
    narrow = _settings.blocking_rules(broad=False)
    assert len(narrow) == len(_settings.blocking_rules()) - len(_settings.BROAD_KEYS)
    con = duckdb.connect()
    con.register("t", _table([a, b]))
    for rule in narrow:
        sql = rule if isinstance(rule, str) else rule.get_blocking_rule("duckdb").blocking_rule_sql
        assert not con.execute(
            f"SELECT 1 FROM t l JOIN t r ON l.record_id < r.record_id AND ({sql})"
        ).fetchall()


def test_pairs_of_the_broad_rules_are_counted() -> None:
    rows = [
        {"surname_key": "ospanov", "given_key": "marat", "place_id": "almaty"},
        {"surname_key": "ospanov", "given_key": "timur", "place_id": "almaty"},
        {"surname_key": "ospanov", "given_key": "marat", "place_id": "almaty"},
        {"surname_key": "ospanov", "given_key": "marat", "place_id": "taraz"},
        {"surname_key": None, "given_key": "marat", "place_id": "almaty"},
        {"surname_key": "ospanov", "given_key": "marat", "place_id": None},
    ]
    # Surname and place: 3 in almaty -> 3 pairs; given name and place: 3 marat in almaty.
    assert _settings.broad_pairs(pa.Table.from_pylist(rows)) == 6


def test_levels_em_never_trained_are_floored_not_kept_at_their_start() -> None:
    from qantar.link._pipeline import M_FLOOR, _floor_m

    start = _settings.PRIOR_M["event_date"]
    trained = {"output_column_name": "event_date", "comparison_levels": [
        {"is_null_level": True},
        {"m_probability": 0.9}, {"m_probability": 0.07},
        {"m_probability": start[2]},  # EM saw no pair 3-7 days apart: still its start
        {"m_probability": 0.03},
    ]}  # fmt: skip
    untouched = {"output_column_name": "sex", "comparison_levels": [
        {"m_probability": m} for m in _settings.PRIOR_M["sex"]
    ]}  # fmt: skip
    model = _floor_m({"comparisons": [trained, untouched]})
    levels = model["comparisons"][0]["comparison_levels"][1:]
    total = 0.9 + 0.07 + M_FLOOR + 0.03
    assert [lv["m_probability"] for lv in levels] == pytest.approx(
        [0.9 / total, 0.07 / total, M_FLOOR / total, 0.03 / total]
    )
    # A comparison EM did not train at all (too few records) keeps its starting values.
    sex = [lv["m_probability"] for lv in model["comparisons"][1]["comparison_levels"]]
    assert sex == pytest.approx(list(_settings.PRIOR_M["sex"]))
