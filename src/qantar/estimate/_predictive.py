"""Posterior predictive check of LCMCR: can the fitted model reproduce the data it saw?

At each kept draw the sampler simulates a replicate data set from that draw's N, class
weights and list probabilities (``_lcmcr_kernel._replicate``). The model cannot reproduce
the data when

- the real counts sit further from their expectation than the replicates do in most draws
  (Freeman-Tukey discrepancy, posterior predictive p-value below PPC_LEVEL), or
- the share of persons on one list only falls outside the central 1 - PPC_LEVEL of its
  replicate distribution.

Either says the model is weakly identified or wrong for these lists, and the interval is
then conditional on a model the data do not support (docs/estimate.md says what to do).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from qantar.model.histories import Histories
from qantar.notes import N_, Note

PPC_LEVEL = 0.05


def _label(lists: tuple[str, ...], pattern: npt.NDArray[np.uint8]) -> str:
    return "+".join(name for name, on in zip(lists, pattern, strict=True) if on)


def predictive_check(
    histories: Histories,
    replicates: npt.NDArray[np.float64],
    fit: npt.NDArray[np.float64],
) -> tuple[dict[str, Any], list[str]]:
    """Summary and warnings from replicates shaped (chains, draws, P + 2) and
    discrepancies (chains, draws, 2) of the real and the replicate counts."""
    rep = replicates.reshape(-1, replicates.shape[-1])
    discrepancy = fit.reshape(-1, 2)
    observed = histories.counts.astype(np.float64)
    n_patterns = observed.shape[0]
    p_fit = float(np.mean(discrepancy[:, 1] >= discrepancy[:, 0]))
    on_lists = histories.patterns.sum(axis=1)
    single = on_lists == 1
    share = float(observed[single].sum() / observed.sum())
    rep_single = rep[:, :n_patterns][:, single].sum(axis=1) + rep[:, n_patterns]
    rep_total = np.maximum(rep.sum(axis=1), 1.0)
    rep_share = rep_single / rep_total
    below = float(np.mean(rep_share <= share))
    above = float(np.mean(rep_share >= share))
    p_share = min(1.0, 2.0 * min(below, above))
    patterns = []
    outside = 0
    for p in range(n_patterns):
        lo, hi = np.quantile(rep[:, p], [0.025, 0.975])
        inside = bool(lo <= observed[p] <= hi)
        outside += not inside
        patterns.append(
            {
                "pattern": _label(histories.lists, histories.patterns[p]),
                "observed": int(observed[p]),
                "replicate_median": float(np.median(rep[:, p])),
                "replicate_lower": float(lo),
                "replicate_upper": float(hi),
                "inside": inside,
            }
        )
    share_lo, share_hi = np.quantile(rep_share, [0.025, 0.975])
    summary: dict[str, Any] = {
        "p_value": p_fit,
        "one_list_share": share,
        "one_list_share_replicates": [float(share_lo), float(share_hi)],
        "one_list_share_p": p_share,
        "patterns_outside": outside,
        "patterns": patterns,
        "draws_checked": int(rep.shape[0]),
        "flagged": bool(p_fit < PPC_LEVEL or p_share < PPC_LEVEL),
    }
    warnings: list[str] = []
    if p_fit < PPC_LEVEL:
        warnings.append(
            Note(
                N_(
                    "the model does not reproduce the observed capture patterns (posterior "
                    "predictive p = %(p)s; %(outside)s of %(n)s patterns outside their 95%% "
                    "predictive range): it is weakly identified or wrong for these lists, "
                    "and the interval may be too narrow; see the sensitivity analysis"
                ),
                p=f"{p_fit:.3f}",
                outside=outside,
                n=n_patterns,
            )
        )
    if p_share < PPC_LEVEL:
        warnings.append(
            Note(
                N_(
                    "the model does not reproduce the share of persons on one list only "
                    "(%(share)s observed, %(low)s-%(high)s in its replicates): the number "
                    "of undocumented persons is weakly identified"
                ),
                share=f"{share:.1%}",
                low=f"{share_lo:.1%}",
                high=f"{share_hi:.1%}",
            )
        )
    return summary, warnings
