from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qantar.model import Histories
from qantar.synth import simulate_histories


def test_shape_and_truth() -> None:
    sim = simulate_histories(2000, 4, heterogeneity=1.0, dependence=0.5, seed=1)
    assert isinstance(sim.histories, Histories)
    assert sim.n == 2000
    assert sim.histories.lists == ("L1", "L2", "L3", "L4")
    assert sim.matrix.shape == (2000, 4)
    assert sim.histories.observed == int(sim.matrix.any(axis=1).sum())
    assert 0 < sim.observed < sim.n
    assert not (sim.histories.patterns.sum(axis=1) == 0).any()


def test_same_seed_same_histories_other_seed_differs() -> None:
    a = simulate_histories(500, 3, seed=5)
    b = simulate_histories(500, 3, seed=5)
    c = simulate_histories(500, 3, seed=6)
    assert np.array_equal(a.matrix, b.matrix)
    assert not np.array_equal(a.matrix, c.matrix)


def _pair_odds_ratio(m: np.ndarray, i: int, j: int) -> float:
    a = ((m[:, i] == 1) & (m[:, j] == 1)).sum() + 0.5
    b = ((m[:, i] == 1) & (m[:, j] == 0)).sum() + 0.5
    c = ((m[:, i] == 0) & (m[:, j] == 1)).sum() + 0.5
    d = ((m[:, i] == 0) & (m[:, j] == 0)).sum() + 0.5
    return float(a * d / (b * c))


def test_independent_lists_have_odds_ratio_near_one() -> None:
    sim = simulate_histories(40000, 3, heterogeneity=0.0, dependence=0.0, seed=2)
    assert 0.9 < _pair_odds_ratio(sim.matrix, 0, 1) < 1.1


def test_dependence_acts_only_within_its_group() -> None:
    sim = simulate_histories(40000, 3, heterogeneity=0.0, dependence=1.5, seed=3)
    assert _pair_odds_ratio(sim.matrix, 0, 1) > 2.0
    assert 0.9 < _pair_odds_ratio(sim.matrix, 0, 2) < 1.1
    neg = simulate_histories(40000, 3, heterogeneity=0.0, dependence=-1.5, seed=3)
    assert _pair_odds_ratio(neg.matrix, 0, 1) < 0.5


def test_heterogeneity_links_every_pair() -> None:
    sim = simulate_histories(40000, 3, heterogeneity=1.5, dependence=0.0, seed=4)
    assert _pair_odds_ratio(sim.matrix, 0, 2) > 1.5
    assert _pair_odds_ratio(sim.matrix, 1, 2) > 1.5


def test_strata_sizes_and_capture_shift() -> None:
    sim = simulate_histories(
        10000,
        4,
        heterogeneity=0.0,
        strata={"almaty": 0.6, "regions": 0.4},
        stratum_capture={"regions": -2.0},
        seed=8,
    )
    assert sim.n_by_stratum == {"almaty": 6000, "regions": 4000}
    assert sim.histories.strata is not None
    seen = {s: sim.histories.stratum(s).observed for s in ("almaty", "regions")}
    assert seen["almaty"] / 6000 > 2 * seen["regions"] / 4000
    assert sim.histories.collapsed().observed == sim.observed


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        simulate_histories(10, 3, capture=[0.5, 0.5], seed=1)
    with pytest.raises(ValueError):
        simulate_histories(10, 2, strata={"a": 1.0}, stratum_capture={"b": 1.0}, seed=1)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(0, 400),
    lists=st.integers(1, 6),
    het=st.floats(0, 3),
    dep=st.floats(-2, 2),
    shares=st.lists(st.floats(0.01, 1), min_size=1, max_size=4),
    seed=st.integers(0, 2**32 - 1),
)
def test_counts_add_up(
    n: int, lists: int, het: float, dep: float, shares: list[float], seed: int
) -> None:
    strata = {f"s{k}": v for k, v in enumerate(shares)}
    sim = simulate_histories(n, lists, heterogeneity=het, dependence=dep, strata=strata, seed=seed)
    assert sim.n_by_stratum is not None and sum(sim.n_by_stratum.values()) == n
    assert sim.histories.observed == int(sim.matrix.any(axis=1).sum()) <= n
    assert (sim.histories.counts > 0).all()


def test_latent_classes_are_independent_within_class() -> None:
    sim = simulate_histories(
        30000,
        3,
        latent_classes=[(0.7, [0.1, 0.1, 0.1]), (0.3, [0.8, 0.7, 0.6])],
        seed=12,
    )
    m = sim.matrix.astype(float)
    # Marginal capture of list 1: 0.7*0.1 + 0.3*0.8 = 0.31.
    assert abs(m[:, 0].mean() - 0.31) < 0.015
    # Mixing two classes makes the lists look dependent overall.
    assert _pair_odds_ratio(sim.matrix, 0, 1) > 3
    assert sim.settings["latent_classes"][1][0] == 0.3
    with pytest.raises(ValueError):
        simulate_histories(10, 3, latent_classes=[(1.0, [0.5, 0.5])], seed=1)
