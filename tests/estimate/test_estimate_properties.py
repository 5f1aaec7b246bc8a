"""Invariants on arbitrary small tables: no crash, no nonsense numbers."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qantar.errors import InputError
from qantar.estimate import check_histories, dga, loglinear
from qantar.model.histories import Histories

tables = st.lists(st.integers(0, 60), min_size=7, max_size=7)


def histories_from(counts: list[int]) -> Histories:
    patterns = np.array([[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)][1:])
    keep = np.asarray(counts) > 0
    return Histories(
        ("A", "B", "C"),
        patterns[keep].astype(np.uint8),
        np.asarray(counts, dtype=np.int64)[keep],
    )


@settings(max_examples=30, deadline=None)
@given(tables)
def test_intervals_bracket_estimates_and_never_fall_below_observed(counts: list[int]) -> None:
    h = histories_from(counts)
    try:
        check_histories(h)
    except InputError:
        return
    for result in (loglinear(h, models=["M0", "Mt", "Mth Chao", "Mth Darroch"]), dga(h)):
        assert result.observed == sum(counts)
        assert result.estimate >= result.observed - 1e-6
        assert result.lower >= result.observed - 1e-6
        assert result.lower <= result.estimate + 1e-6
        assert result.upper >= result.estimate - 1e-6 or math.isinf(result.upper)
