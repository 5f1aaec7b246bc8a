"""The list-dependence check: flags lists that share persons beyond unequal visibility,
stays quiet when lists are independent, and says so in the result and its warnings."""

from __future__ import annotations

import numpy as np

from qantar.estimate import dependence_check, estimate
from qantar.model.histories import Histories
from qantar.synth import ScenarioConfig, generate


def _killed(seed: int, dependence: float, heterogeneity: float) -> Histories:
    config = ScenarioConfig(
        n=300, detainees=150, dependence=dependence, heterogeneity=heterogeneity
    )
    return generate(config, seed=seed).histories("killed")


def test_flags_synths_dependent_lists_and_names_the_pairs() -> None:
    # synth's default: NGO and hotline share a latent, official list and morgue another.
    # Over the 20 seeds of bench/mse_dependence.py: most of them (13 of 20 measured).
    checks = [dependence_check(_killed(seed, 1.0, 1.0))[0] for seed in range(1, 21)]
    assert sum(c["flagged"] for c in checks) >= 11
    named = [p for c in checks if c["flagged"] for p in c["pairs_named"]]
    # The NGO and its hotline, the pair whose shared latent shows most (9 of 13 measured).
    assert named.count("ngo+hotline") > len(named) / 2


def test_quiet_on_lists_without_dependence() -> None:
    for heterogeneity in (1.0, 0.0):
        checks = [dependence_check(_killed(seed, 0.0, heterogeneity))[0] for seed in range(1, 21)]
        assert all(c["tested"] for c in checks)
        # At a 5% level: 0 and 2 of 20 measured.
        assert sum(c["flagged"] for c in checks) <= 3


def test_two_lists_sharing_persons_are_named() -> None:
    rng = np.random.default_rng(3)
    n = 3000
    visible = rng.normal(size=n)
    shared = rng.normal(size=n)
    logits = np.column_stack(
        [
            -1.0 + visible + 2.0 * shared,
            -1.0 + visible + 2.0 * shared,
            -1.0 + visible,
            -1.0 + visible,
        ]
    )
    rows = (rng.random((n, 4)) < 1 / (1 + np.exp(-logits))).astype(np.uint8)
    seen = rows.any(axis=1)
    histories = Histories.from_rows(("a", "b", "c", "d"), rows[seen])
    check, warnings = dependence_check(histories)
    assert check["flagged"] and check["pairs_named"][0] == "a+b"
    assert next(p for p in check["pairs"] if p["pair"] == "a+b")["interaction"] > 0
    assert len(warnings) == 1 and "a+b" in warnings[0]


def test_not_tested_without_overlap() -> None:
    rows = np.array([[1, 0, 0]] * 30 + [[0, 1, 0]] * 30 + [[0, 0, 1]] * 30 + [[1, 1, 0]] * 5)
    check, warnings = dependence_check(Histories.from_rows(("a", "b", "c"), rows))
    assert check == {"tested": False, "flagged": False, "overlap": 5} and warnings == []


def test_every_estimate_carries_it_once_for_all_strata() -> None:
    histories = _killed(2, 1.0, 1.0)
    result = estimate(histories, method="loglinear", seed=1)
    check = result.diagnostics["dependence_check"]
    assert check == dependence_check(histories)[0]
    said = [w for w in result.warnings if "depend on each other" in w]
    assert len(said) == int(check["flagged"])
