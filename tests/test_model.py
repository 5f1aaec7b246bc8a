from __future__ import annotations

import pytest

from qantar.model import Histories, PartialDate, Precision


def test_partial_date_keeps_precision() -> None:
    assert PartialDate(2022).precision is Precision.YEAR
    assert PartialDate(2022, 1).iso() == "2022-01"
    assert PartialDate.from_iso("2022-01-05") == PartialDate(2022, 1, 5)
    with pytest.raises(ValueError):
        PartialDate(2022, 2, 30)


def test_histories_aggregate_patterns_and_strata() -> None:
    rows = [[1, 0], [1, 0], [0, 1], [1, 1], [0, 0]]
    h = Histories.from_rows(["A", "B"], rows)
    assert h.observed == 4
    assert dict(zip(map(tuple, h.patterns.tolist()), h.counts.tolist(), strict=True)) == {
        (0, 1): 1,
        (1, 0): 2,
        (1, 1): 1,
    }
    s = Histories.from_rows(["A", "B"], rows, strata=["x", "y", "x", "x", "y"])
    assert s.stratum("x").observed == 3
    assert s.collapsed().observed == 4


def test_jsonable_gives_what_json_writes() -> None:
    import datetime as dt
    import json
    from pathlib import Path

    from qantar.model import Decision, jsonable

    value = {
        "decision": Decision.NON_MATCH,
        "when": dt.datetime(2022, 1, 5, 12, 0, tzinfo=dt.UTC),
        "day": dt.date(2022, 1, 6),
        "date": PartialDate(2022, 1),
        "file": Path("runs") / "report.html",
        "keys": ("a", "b"),
        "gap": float("nan"),
    }
    out = jsonable(value)
    assert out == {
        "decision": "non-match",
        "when": "2022-01-05T12:00:00+00:00",
        "day": "2022-01-06",
        "date": "2022-01",
        "file": "runs/report.html",
        "keys": ["a", "b"],
        "gap": None,
    }
    assert type(out["decision"]) is str  # the plain value, not the enum
    assert json.loads(json.dumps(out, allow_nan=False)) == out


def test_every_result_has_one_to_dict_and_no_as_dict() -> None:
    import importlib
    import inspect
    import pkgutil

    import qantar

    with_to_dict = 0
    for info in pkgutil.walk_packages(qantar.__path__, "qantar."):
        if ".cli" in info.name or ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional extra that is not installed
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != info.name:
                continue
            assert not hasattr(cls, "as_dict"), f"{info.name}.{cls.__name__}.as_dict"
            with_to_dict += hasattr(cls, "to_dict")
    assert with_to_dict >= 30


def test_a_bad_enum_value_names_the_field_not_the_value() -> None:
    from qantar.errors import InputError
    from qantar.model import SourceKind, parse_enum

    assert parse_enum(SourceKind, "morgue", field="kind") is SourceKind.MORGUE
    with pytest.raises(InputError, match=r"field 'kind'.*one of official") as refused:
        parse_enum(SourceKind, "Канареечкин", field="kind")
    assert "Канареечкин" not in str(refused.value)
