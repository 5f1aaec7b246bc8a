"""Sampling until converged, R's start, label moves, the chain-median check and the
posterior predictive check of LCMCR."""

from __future__ import annotations

import numpy as np
import pytest

from qantar.estimate import estimate, lcmcr
from qantar.estimate._diagnostics import (
    ESS_TARGET,
    MEDIAN_SPREAD_SD,
    RHAT_LIMIT,
    chain_diagnostics,
    converged,
)
from qantar.estimate._lcmcr_kernel import start_state
from qantar.model.histories import Histories

FIXED = {"burnin": 2_000, "samples": 400, "thinning": 10, "chains": 2, "until_converged": False}


def two_classes(truth: int = 4000, seed: int = 12) -> Histories:
    """A third of persons listed often, the rest rarely: LCMCR's own model, identified."""
    rng = np.random.default_rng(seed)
    visible = rng.random(truth) < 1 / 3
    p = np.where(visible[:, None], [0.6, 0.5, 0.7, 0.55, 0.6], [0.2, 0.1, 0.15, 0.25, 0.1])
    rows = (rng.random((truth, 5)) < p).astype(np.uint8)
    return Histories.from_rows(["A", "B", "C", "D", "E"], rows)


def independent(truth: int = 3000, seed: int = 4) -> Histories:
    rng = np.random.default_rng(seed)
    rows = (rng.random((truth, 4)) < np.array([0.3, 0.25, 0.35, 0.2])).astype(np.uint8)
    return Histories.from_rows(["A", "B", "C", "D"], rows)


def test_one_threshold_for_rhat_everywhere() -> None:
    from qantar.publish._report import diagnostic_rows

    assert RHAT_LIMIT == 1.01
    [(words, _value)] = diagnostic_rows({"diagnostics": {"rhat": 1.0}})
    assert f"above {RHAT_LIMIT}" in words


def test_sampling_continues_until_converged() -> None:
    h = independent()
    result = lcmcr(h, seed=2, burnin=500, samples=100, thinning=5, chains=2)
    diag = result.diagnostics
    # One round of 100 draws per chain cannot give 1,000 effective draws: it went on.
    assert diag["rounds"] > 1
    assert diag["draws_per_chain"] > 100
    assert diag["converged"] is True
    assert diag["ess_bulk"] >= ESS_TARGET and diag["rhat"] <= RHAT_LIMIT
    assert diag["sweeps_per_chain"] == 500 + diag["draws_per_chain"] * 5
    assert not any("not converged" in w for w in result.warnings)


def test_the_cap_stops_sampling_and_says_so() -> None:
    h = independent()
    result = lcmcr(h, seed=2, burnin=100, samples=50, thinning=1, chains=2, max_samples=120)
    assert result.diagnostics["draws_per_chain"] == 120
    assert result.diagnostics["converged"] is False
    assert any("cap of 120 draws per chain" in w for w in result.warnings)


def test_fixed_draws_when_asked() -> None:
    result = lcmcr(independent(), seed=2, **FIXED)
    assert result.diagnostics["rounds"] == 1
    assert result.draws.shape == (2, 400)


def test_continuing_is_reproducible_whatever_the_threads() -> None:
    h = independent(800)
    opts = {"burnin": 200, "samples": 60, "thinning": 3, "chains": 3, "max_samples": 400}
    a = lcmcr(h, seed=9, threads=1, **opts)
    b = lcmcr(h, seed=9, threads=2, **opts)
    np.testing.assert_array_equal(a.draws, b.draws)
    assert a.diagnostics["rounds"] == b.diagnostics["rounds"] > 1


def test_start_is_rs_marginal_shares_and_ordered_weights() -> None:
    h = two_classes()
    lam = np.zeros((5, 10))
    v = np.zeros(10)
    alpha = start_state(h.patterns, h.counts, 1, lam, v)
    shares = (h.patterns * h.counts[:, None]).sum(axis=0) / h.observed
    assert alpha == 1.0
    assert np.all(lam >= 0.8 * shares[:, None] - 1e-12)
    assert np.all(lam <= 1.2 * shares[:, None] + 1e-12)
    weights = v * np.concatenate([[1.0], np.cumprod(1 - v[:-1])])
    assert np.all(np.diff(weights[:-1]) < 0)  # classes ordered by weight
    assert weights.sum() == pytest.approx(1.0)


def test_label_moves_leave_the_posterior_unchanged() -> None:
    """The moves are Metropolis steps that keep the posterior: on data where the plain
    Gibbs sampler mixes well, both give the same quantiles of N (within Monte Carlo
    error), and the moves are actually accepted."""
    h = two_classes()
    opts = {"burnin": 5_000, "samples": 1_500, "thinning": 20, "chains": 2}
    with_moves = lcmcr(h, seed=5, until_converged=False, label_moves=True, **opts)
    without = lcmcr(h, seed=6, until_converged=False, label_moves=False, **opts)
    assert with_moves.diagnostics["label_moves_accepted"] > 1_000
    assert without.diagnostics["label_moves_accepted"] == 0
    # Replicates for the predictive check: every second draw of 1,500 (at most 1,000
    # per chain and round), so memory stays bounded with many lists.
    assert with_moves.diagnostics["predictive_check"]["draws_checked"] == 2 * 750
    for q in (0.1, 0.5, 0.9):
        a = np.quantile(with_moves.draws, q)
        b = np.quantile(without.draws, q)
        assert abs(a - b) / b < 0.02


def test_median_spread_catches_chains_settled_apart() -> None:
    """Chains two groups apart by 0.3 posterior sd: R-hat barely moves (as on HRDAG's
    fainter-lists design), the chain-median check does not miss it."""
    rng = np.random.default_rng(0)
    apart = rng.normal(size=(4, 20_000))
    apart[2:] += 0.3
    diag, warnings = chain_diagnostics(apart)
    assert diag["rhat"] < 1.02
    assert diag["median_spread_sd"] > MEDIAN_SPREAD_SD
    assert diag["chains_apart"] is True
    assert not converged(diag)
    assert any("settled in different places" in w for w in warnings)
    together, warnings = chain_diagnostics(rng.normal(size=(4, 20_000)))
    assert together["chains_apart"] is False and together["chains_agree"] is True
    assert converged(together)
    assert not any("different places" in w for w in warnings)


def test_predictive_check_flags_a_model_that_cannot_fit() -> None:
    """One latent class cannot reproduce data with a hidden class (its overlaps are too
    big for independent lists); ten classes can."""
    h = two_classes()
    one = lcmcr(h, seed=1, n_classes=1, **FIXED)
    ten = lcmcr(h, seed=1, **FIXED)
    assert one.diagnostics["predictive_check"]["flagged"] is True
    assert one.diagnostics["predictive_check"]["p_value"] < 0.05
    assert any("does not reproduce" in w for w in one.warnings)
    check = ten.diagnostics["predictive_check"]
    assert check["flagged"] is False
    assert check["draws_checked"] == 800
    assert {p["pattern"] for p in check["patterns"]} >= {"A", "A+B"}
    assert check["one_list_share_replicates"][0] <= check["one_list_share"]
    assert check["one_list_share"] <= check["one_list_share_replicates"][1]


def test_alpha_priors_and_classes_reach_the_sampler() -> None:
    """estimate() used to drop a_alpha and b_alpha: the sampler ran R's prior whatever
    was asked."""
    h = independent()
    default = estimate(h, method="lcmcr", seed=3, **FIXED)
    tuned = estimate(h, method="lcmcr", seed=3, a_alpha=20.0, b_alpha=1.0, n_classes=4, **FIXED)
    assert tuned.settings["a_alpha"] == 20.0 and tuned.settings["b_alpha"] == 1.0
    assert tuned.settings["n_classes"] == 4
    # Gamma(20, 1) puts alpha near 20 whatever the data; Gamma(0.25, 0.25) does not.
    assert tuned.diagnostics["alpha_median"] > 5 > default.diagnostics["alpha_median"]


def test_unknown_options_are_refused() -> None:
    from qantar.errors import InputError

    with pytest.raises(InputError, match="unknown estimation options: n_clases"):
        estimate(independent(), method="lcmcr", seed=1, n_clases=5)


def test_one_chain_stops_on_effective_draws() -> None:
    """One chain has no R-hat: it stops when its effective draws reach the target
    instead of running to the cap."""
    result = lcmcr(independent(), seed=2, burnin=500, samples=300, thinning=5, chains=1)
    assert result.diagnostics["converged"] is True
    assert result.diagnostics["ess_bulk"] >= ESS_TARGET
    assert result.diagnostics["draws_per_chain"] < 20_000
