"""Convergence and data-quality checks, each a reason in plain words."""

from __future__ import annotations

import warnings as _warnings
from typing import Any

import numpy as np
import numpy.typing as npt

from qantar.model.histories import Histories

RHAT_LIMIT = 1.05
ESS_MIN = 400


def chain_diagnostics(draws: npt.NDArray[np.float64]) -> tuple[dict[str, Any], list[str]]:
    """R-hat and effective sample size (arviz) of draws shaped (chains, draws)."""
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        import arviz as az

        data = az.convert_to_dataset(np.asarray(draws, dtype=np.float64)[:, :, None])
        rhat = float(az.rhat(data)["x"].values[0]) if draws.shape[0] > 1 else float("nan")
        ess_bulk = float(az.ess(data, method="bulk")["x"].values[0])
        ess_tail = float(az.ess(data, method="tail")["x"].values[0])
    found: list[str] = []
    if draws.shape[0] < 2:
        found.append("only one chain was run, so convergence (R-hat) could not be checked")
    elif np.isfinite(rhat) and rhat > RHAT_LIMIT:
        found.append(
            f"the chains disagree (R-hat {rhat:.3f} > {RHAT_LIMIT}): run more iterations "
            "before relying on this number"
        )
    if ess_bulk < ESS_MIN or ess_tail < ESS_MIN:
        found.append(
            f"few effective draws (bulk {ess_bulk:.0f}, tail {ess_tail:.0f}; want "
            f"{ESS_MIN}+): the interval ends are imprecise, run more iterations"
        )
    return {
        "chains": int(draws.shape[0]),
        "draws_per_chain": int(draws.shape[1]),
        "rhat": rhat,
        "ess_bulk": ess_bulk,
        "ess_tail": ess_tail,
    }, found


def data_warnings(histories: Histories) -> list[str]:
    """Warnings about the lists themselves: too few, too small, too little overlap."""
    found: list[str] = []
    n_lists = len(histories.lists)
    patterns = histories.patterns.astype(np.int64)
    counts = histories.counts
    if n_lists < 3:
        found.append(
            "fewer than three lists: the estimate assumes the lists are independent and "
            "every person equally likely to be listed, which can neither be checked nor "
            "relaxed with two lists"
        )
    per_list = (patterns * counts[:, None]).sum(axis=0)
    for name, total in zip(histories.lists, per_list, strict=True):
        if total == 0:
            found.append(f"list {name} documents nobody here; drop it")
        elif total < 10:
            found.append(
                f"list {name} documents only {int(total)} persons: too sparse to learn from"
            )
    for a in range(n_lists):
        for b in range(a + 1, n_lists):
            both = int(counts[(patterns[:, a] == 1) & (patterns[:, b] == 1)].sum())
            if both == 0 and per_list[a] > 0 and per_list[b] > 0:
                found.append(
                    f"lists {histories.lists[a]} and {histories.lists[b]} share nobody: "
                    "check the linkage; such lists may cover different events or places"
                )
    multi = int(counts[patterns.sum(axis=1) >= 2].sum())
    if histories.observed and multi / histories.observed < 0.05:
        found.append(
            f"only {multi} of {histories.observed} persons are on more than one list: "
            "the overlap is too small for a stable estimate"
        )
    return found


def method_disagreement(results: list[Any]) -> list[str]:
    """A warning when methods' estimates sit outside each other's intervals."""
    found: list[str] = []
    for i, a in enumerate(results):
        for b in results[i + 1 :]:
            if not (np.isfinite(a.estimate) and np.isfinite(b.estimate)):
                continue
            if a.upper < b.lower or b.upper < a.lower:
                found.append(
                    f"{a.method} ({a.estimate:,.0f}) and {b.method} ({b.estimate:,.0f}) "
                    "disagree beyond their intervals: the estimate depends on modelling "
                    "choices; report the range and the reasons"
                )
    return found
