from __future__ import annotations

import numpy as np
from estimate_sim import simulate

from qantar.estimate import estimate
from qantar.model.histories import Histories

SMALL = {
    "iterations": 4_000,
    "burnin": 500,
    "samples": 200,
    "chains": 2,
    "until_converged": False,
}


def test_strata_total_sums_posterior_draws() -> None:
    h = simulate(1500, 4, heterogeneity=0.3, dependence=0.0, seed=2, strata=3)
    result = estimate(h, method="lcmcr", seed=4, **SMALL)
    assert set(result.strata) == {"s0", "s1", "s2"}
    summed = np.sum([p.draws for p in result.strata.values()], axis=0)
    np.testing.assert_array_equal(result.draws, summed)
    assert result.observed == h.observed
    assert result.estimate == float(np.median(summed))
    assert result.lower <= result.estimate <= result.upper
    # Each stratum's estimate is below the total and at least its documented count.
    for part in result.strata.values():
        assert part.observed <= part.estimate < result.estimate


def test_strata_can_be_summed_away() -> None:
    h = simulate(800, 3, heterogeneity=0.0, dependence=0.0, seed=5, strata=2)
    result = estimate(h, method="loglinear", strata=False, seed=1)
    assert result.strata == {}
    per = estimate(h, method="loglinear", seed=1)
    assert set(per.strata) == {"s0", "s1"}
    assert per.estimate == sum(p.estimate for p in per.strata.values())
    assert any("quadrature" in w for w in per.warnings)


def test_dga_strata_and_method_comparison() -> None:
    h = simulate(1200, 4, heterogeneity=0.0, dependence=0.0, seed=8, strata=2)
    result = estimate(h, method="all", seed=3, **SMALL)
    assert [result.method] + [o.method for o in result.others] == ["lcmcr", "loglinear", "dga"]
    dga_total = result.others[1]
    assert dga_total.draws is not None
    assert set(dga_total.strata) == {"s0", "s1"}
    payload = result.to_dict()
    assert {"method", "lists", "observed", "estimate", "lower", "upper", "strata"} <= set(payload)
    assert [m["method"] for m in payload["methods"]] == ["loglinear", "dga"]


def test_small_strata_are_pooled_with_a_warning() -> None:
    big = simulate(1500, 4, heterogeneity=0.0, dependence=0.0, seed=9, strata=2)
    rows = np.repeat(big.patterns, big.counts, axis=0)
    labels = np.repeat(np.asarray(big.strata, dtype=object), big.counts).tolist()
    # Two tiny regions: one with 3 persons, one whose persons are all on one list.
    extra_rows = [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0]] + [[0, 0, 1, 0]] * 12
    extra_labels = ["tiny"] * 3 + ["one-list"] * 12
    h = Histories.from_rows(big.lists, np.vstack([rows, extra_rows]), labels + extra_labels)
    result = estimate(h, method="loglinear", seed=1)
    assert set(result.strata) == {"s0", "s1", "other (pooled)"}
    assert result.observed == h.observed
    assert "one-list" in result.warnings[0] and "tiny" in result.warnings[0]
    pooled = result.strata["other (pooled)"]
    assert pooled.estimate == pooled.observed == 15
    assert result.estimate == sum(p.estimate for p in result.strata.values())


def test_strata_that_converged_at_different_lengths_still_sum_draws() -> None:
    """Sampled until converged, strata keep different numbers of draws per chain; the
    total still adds draws (evenly spaced, the same number from each), not intervals."""
    from qantar.estimate._api import _sum_strata
    from qantar.estimate._result import Estimate

    h = simulate(600, 3, heterogeneity=0.0, dependence=0.0, seed=5, strata=2)
    short = np.arange(2 * 100, dtype=float).reshape(2, 100)
    long = np.ones((2, 300))
    parts = {
        "s0": Estimate("lcmcr", h.lists, 300, 50.0, 0.0, 199.0, draws=short),
        "s1": Estimate("lcmcr", h.lists, 300, 1.0, 1.0, 1.0, draws=long),
    }
    total = _sum_strata("lcmcr", h, parts)
    assert total.draws is not None and total.draws.shape == (2, 100)
    np.testing.assert_array_equal(total.draws, short + 1.0)
    assert not any("quadrature" in w for w in total.warnings)
