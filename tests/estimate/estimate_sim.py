"""A small simulator of capture histories with known truth, for the estimation tests
(the project's own simulator lives in qantar.synth; this one keeps the tests self-contained)."""

from __future__ import annotations

import numpy as np

from qantar.model.histories import Histories


def simulate(
    n: int,
    n_lists: int,
    *,
    heterogeneity: float,
    dependence: float,
    seed: int,
    strata: int = 1,
) -> Histories:
    """N persons in two latent groups (a hard-to-document share when ``heterogeneity``
    > 0) listed with probability p; with ``dependence`` > 0, being on list 1 raises the
    odds of list 2 (lists that share sources)."""
    rng = np.random.default_rng(seed)
    hard = rng.random(n) < 0.5 * (heterogeneity > 0)
    base = rng.uniform(0.15, 0.45, size=n_lists)
    p = np.where(hard[:, None], base * (1 - heterogeneity), base)
    rows = (rng.random((n, n_lists)) < p).astype(np.uint8)
    if dependence > 0 and n_lists >= 2:
        boost = (rows[:, 0] == 1) & (rng.random(n) < dependence)
        rows[boost, 1] = 1
    labels = [f"s{i}" for i in rng.integers(0, strata, size=n)] if strata > 1 else None
    return Histories.from_rows([f"L{j + 1}" for j in range(n_lists)], rows, labels)
