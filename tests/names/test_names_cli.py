"""`qantar names parse` and `qantar names compare` through the real Typer app."""

from __future__ import annotations

import json

from _cli import run_cli


def test_parse_json_fields() -> None:
    result = run_cli(
        None, "names", "parse", "ОСПАНОВ Мирас Маратулы", "Miras Ospanov", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 2
    first, second = rows
    for row in rows:
        for field in (
            "original",
            "surname",
            "given",
            "patronymic",
            "sex",
            "confidence",
            "latin",
            "keys",
        ):
            assert field in row
        assert set(row["keys"]) >= {"surname", "given", "patronymic"}
    assert first["original"] == "ОСПАНОВ Мирас Маратулы"
    assert (first["surname"], first["given"], first["patronymic"]) == (
        "Оспанов",
        "Мирас",
        "Маратулы",
    )
    assert first["sex"] == "M"
    assert first["latin"] == "Ospanov Miras Maratuly"
    assert first["keys"]["surname"] == second["keys"]["surname"]
    assert first["keys"]["given"] == second["keys"]["given"]


def test_parse_table() -> None:
    result = run_cli(None, "names", "parse", "Оспанов М.М.")
    assert result.exit_code == 0, result.output
    assert "Оспанов" in result.stdout


def test_compare_json() -> None:
    result = run_cli(
        None, "names", "compare", "Касымов Ержан", "Kasymova Yerzhan", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    levels = {p["part"]: p["level"] for p in data["parts"]}
    assert levels["surname"] == "family"
    assert levels["given"] == "exact"
    assert data["same_family_different_sex"] is True


def test_compare_table() -> None:
    result = run_cli(None, "names", "compare", "Оспанов Мирас", "Miras Ospanov")
    assert result.exit_code == 0, result.output
    assert "exact" in result.stdout


def test_unknown_format_is_a_user_error() -> None:
    result = run_cli(None, "names", "parse", "Оспанов", "--format", "xml")
    assert result.exit_code == 2 and "--format" in result.output
