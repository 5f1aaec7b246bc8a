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
