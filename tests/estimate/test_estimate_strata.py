from __future__ import annotations

import numpy as np
from estimate_sim import simulate

from qantar.estimate import estimate

SMALL = {"iterations": 4_000, "burnin": 500, "samples": 200, "chains": 2}


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
