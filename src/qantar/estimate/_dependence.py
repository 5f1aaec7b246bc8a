"""Do pairs of lists depend on each other beyond what unequal visibility explains?

Two lists that share sources (an NGO and the hotline it runs; the official list and the
morgue it copies) put the same persons on both more often than persons' unequal
visibility would. LCMCR can reproduce such overlaps with latent classes, and its
posterior predictive check then passes, yet the classes it needs say nothing true about
the persons on no list: on synth's default design (two such pairs) its 95% interval
holds the truth in about half of the data sets (bench/README.md).

The check is a likelihood-ratio test between two log-linear models of the observed
capture-pattern counts: Darroch's heterogeneity model (each list its own rate, persons
unequally visible) and the same with an interaction for every pair of lists. Heterogeneity
alone makes every pair overlap more, evenly; an excess on some pairs only is what the
interactions catch. Flagged at DEPENDENCE_LEVEL (the rule was fixed before measuring it);
the pairs named are those whose own interaction is significant after a Bonferroni
correction (strongest first), or else the strongest one.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from qantar.estimate._loglinear import _poisson_fit, _poisson_loglik, cell_counts, design
from qantar.model.histories import Histories
from qantar.notes import N_, Note

DEPENDENCE_LEVEL = 0.05
# Fewer than this many persons on two or more lists: the test has nothing to go on.
MIN_OVERLAP = 20


def _loglik(
    X: npt.NDArray[np.float64], y: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], float]:
    beta, _ = _poisson_fit(X, y)
    return beta, _poisson_loglik(np.exp(X @ beta), y)


def dependence_check(histories: Histories) -> tuple[dict[str, Any], list[str]]:
    """The test of the module docstring on the histories (strata summed away): a summary
    for the JSON (``statistic``, ``df``, ``p_value``, ``flagged`` and per pair its
    interaction, positive when the pair shares persons, and its own p-value) and a
    warning when flagged."""
    data = histories.collapsed() if histories.strata is not None else histories
    n_lists = len(data.lists)
    overlap = int(data.counts[data.patterns.sum(axis=1) >= 2].sum())
    if n_lists < 3 or overlap < MIN_OVERLAP:
        return {"tested": False, "flagged": False, "overlap": overlap}, []
    cells, y = cell_counts(data)
    heterogeneity, _ = design(cells, "Mth Darroch")
    base = np.column_stack([np.ones(len(y)), heterogeneity])
    _, base_ll = _loglik(base, y)
    pairs = list(itertools.combinations(range(n_lists), 2))
    columns = np.column_stack([cells[:, a] * cells[:, b] for a, b in pairs]).astype(float)
    _, full_ll = _loglik(np.column_stack([base, columns]), y)
    statistic = max(2.0 * (full_ll - base_ll), 0.0)
    df = len(pairs)
    p_value = float(stats.chi2.sf(statistic, df))
    rows: list[dict[str, Any]] = []
    for index, (a, b) in enumerate(pairs):
        beta, ll = _loglik(np.column_stack([base, columns[:, index]]), y)
        own = max(2.0 * (ll - base_ll), 0.0)
        rows.append(
            {
                "pair": f"{data.lists[a]}+{data.lists[b]}",
                "interaction": float(beta[-1]),
                "statistic": float(own),
                "p_value": float(stats.chi2.sf(own, 1)),
            }
        )
    flagged = p_value < DEPENDENCE_LEVEL
    strongest = sorted(rows, key=lambda r: -float(r["statistic"]))
    named = [r["pair"] for r in strongest if r["p_value"] < DEPENDENCE_LEVEL / df]
    if flagged and not named:
        named = [strongest[0]["pair"]]
    summary: dict[str, Any] = {
        "tested": True,
        "statistic": float(statistic),
        "df": df,
        "p_value": p_value,
        "flagged": bool(flagged),
        "pairs_named": named,
        "pairs": rows,
        "overlap": overlap,
    }
    warnings: list[str] = []
    shown = "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"
    if flagged:
        warnings.append(
            Note(
                N_(
                    "some lists depend on each other beyond unequal visibility "
                    "(likelihood-ratio test, %(p)s; most of all %(pairs)s): LCMCR can "
                    "reproduce such overlaps and still miss the undocumented, so its interval "
                    "may be too narrow or misplaced; compare dga and the log-linear models "
                    "with interactions in the sensitivity table, and consider merging lists "
                    "that copy each other"
                ),
                p=shown,
                pairs=", ".join(named),
            )
        )
    return summary, warnings
