"""Missing stratum values imputed over replicates, and the combination rules."""

from __future__ import annotations

import numpy as np
import pytest

from qantar.estimate._impute import (
    MIN_DONORS,
    combine,
    impute_values,
    interval_variance,
    pool_draws,
    rubin,
)
from qantar.estimate._project import estimate_captures
from qantar.estimate._result import Estimate
from qantar.model.histories import PersonCaptures


def _captures(
    rows: list[list[int]], region: list[str | None], sex: list[str | None] | None = None
) -> PersonCaptures:
    n = len(rows)
    return PersonCaptures(
        ("a", "b", "c"),
        np.asarray(rows, dtype=np.uint8),
        {"region": region, "sex": sex or [None] * n, "age_group": [None] * n},
    )


def test_known_values_are_kept_and_the_draws_are_seeded() -> None:
    rows = [[1, 0, 0]] * 10 + [[0, 1, 1]] * 10
    region = ["x", "y"] * 5 + [None] * 10
    captures = _captures(rows, region)
    first = impute_values(captures, "region", replicates=4, seed=3)
    assert first == impute_values(captures, "region", replicates=4, seed=3)
    assert first != impute_values(captures, "region", replicates=4, seed=4)
    for completed in first:
        assert completed[:10] == region[:10]
        assert set(completed[10:]) <= {"x", "y"}


def test_donors_share_the_capture_pattern_when_enough_are_known() -> None:
    # Everyone on list a alone is from x, everyone on b and c from y: a person with a
    # missing region is drawn from those with the same lists.
    rows = [[1, 0, 0]] * 8 + [[0, 1, 1]] * 8 + [[1, 0, 0], [0, 1, 1]]
    region: list[str | None] = ["x"] * 8 + ["y"] * 8 + [None, None]
    for completed in impute_values(_captures(rows, region), "region", replicates=20, seed=1):
        assert completed[16:] == ["x", "y"]


def test_too_few_donors_fall_back_to_everyone() -> None:
    rows = [[1, 0, 0]] * (MIN_DONORS - 1) + [[0, 1, 1]] * 10 + [[1, 0, 0]]
    region: list[str | None] = ["x"] * (MIN_DONORS - 1) + ["y"] * 10 + [None]
    drawn = {c[-1] for c in impute_values(_captures(rows, region), "region", replicates=40, seed=2)}
    assert drawn == {"x", "y"}


def test_other_known_fields_narrow_the_donors() -> None:
    rows = [[1, 1, 0]] * 20 + [[1, 1, 0]] * 2
    region: list[str | None] = ["x"] * 10 + ["y"] * 10 + [None, None]
    sex: list[str | None] = ["F"] * 10 + ["M"] * 10 + ["F", "M"]
    for completed in impute_values(_captures(rows, region, sex), "region", replicates=10, seed=5):
        assert completed[20:] == ["x", "y"]


def test_rubin_rules_by_hand() -> None:
    combined = rubin([10.0, 12.0], [1.0, 1.0])
    assert combined.estimate == 11.0
    assert combined.within == 1.0
    assert combined.between == 2.0
    assert combined.total == pytest.approx(1.0 + 1.5 * 2.0)
    assert combined.df == pytest.approx((1 + 1 / 3) ** 2)
    assert combined.lower < 11.0 - 1.96 * 2.0  # a t with few df is wider than a normal
    one = rubin([10.0], [4.0])
    assert one.between == 0.0 and one.lower == pytest.approx(10.0 - 1.959964 * 2.0, rel=1e-5)


def test_pooled_draws_keep_every_chain() -> None:
    a, b = np.ones((2, 5)), np.zeros((3, 5))
    assert pool_draws([a, b]).shape == (5, 5)
    assert pool_draws([np.ones((2, 5)), np.ones((1, 4))]).shape == (1, 14)


def _est(point: float, lower: float, upper: float, draws: np.ndarray | None = None) -> Estimate:
    return Estimate("m", ("a", "b"), 50, point, lower, upper, draws=draws)


def test_combine_pools_draws_or_applies_rubin() -> None:
    pooled = combine(
        [_est(0, 0, 0, np.full((2, 50), 100.0)), _est(0, 0, 0, np.full((2, 50), 120.0))]
    )
    assert pooled.draws is not None and pooled.draws.shape == (4, 50)
    assert pooled.lower == 100.0 and pooled.upper == 120.0
    assert pooled.diagnostics["imputations"] == 2
    fits = [_est(100, 90.2, 109.8), _est(110, 100.2, 119.8)]
    combined = combine(fits)
    expected = rubin([100, 110], [interval_variance(f) for f in fits])
    assert combined.estimate == pytest.approx(105.0)
    assert (combined.lower, combined.upper) == pytest.approx((expected.lower, expected.upper))


def _population(seed: int, n: int = 600) -> tuple[PersonCaptures, dict[str, int]]:
    rng = np.random.default_rng(seed)
    region = rng.choice(["north", "south"], size=n, p=[0.6, 0.4])
    p = np.where(region == "north", 0.5, 0.35)[:, None] * np.ones((1, 3))
    rows = (rng.random((n, 3)) < p).astype(np.uint8)
    seen = rows.any(axis=1)
    truth = {r: int((region == r).sum()) for r in ("north", "south")}
    values: list[str | None] = [None if rng.random() < 0.2 else str(r) for r in region[seen]]
    return (
        PersonCaptures(
            ("a", "b", "c"),
            rows[seen],
            {"region": values, "sex": [None] * len(values), "age_group": [None] * len(values)},
        ),
        truth,
    )


def test_missing_regions_are_imputed_not_an_unknown_stratum() -> None:
    captures, truth = _population(1)
    result = estimate_captures(captures, method="loglinear", strata="region", seed=1, imputations=4)
    assert set(result.strata) == {"north", "south"}
    spread = result.diagnostics["imputation"]["strata"]
    missing = sum(1 for v in captures.fields["region"] if v is None)
    assert result.diagnostics["imputation"]["persons_missing"] == missing
    for label in ("north", "south"):
        s = spread[label]
        assert s["documented_known"] < s["documented_min"] <= s["documented_max"]
        assert result.strata[label].lower <= truth[label] <= result.strata[label].upper
    assert result.observed == captures.persons
    without = estimate_captures(
        captures, method="loglinear", strata="region", seed=1, imputations=0
    )
    assert "unknown" in without.strata
    again = estimate_captures(captures, method="loglinear", strata="region", seed=1, imputations=4)
    assert again.estimate == result.estimate  # seeded
