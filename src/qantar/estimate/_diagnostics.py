"""Convergence and data-quality checks, each a reason in plain words."""

from __future__ import annotations

import warnings as _warnings
from typing import Any

import numpy as np
import numpy.typing as npt

from qantar.model.histories import Histories
from qantar.notes import N_, Note

# One set of thresholds for the sampler's stopping rule, its warnings and the report.
RHAT_LIMIT = 1.01
ESS_TARGET = 1_000
# Chains whose medians lie further apart than this many posterior standard deviations,
# by more than their Monte Carlo error explains (chi-square test at this level), settled
# in different places (for instance two orderings of the latent classes).
MEDIAN_SPREAD_SD = 0.15
MEDIAN_SPREAD_LEVEL = 0.001
# Methods whose point estimates differ by more than this share of the smaller one are
# said to disagree even when their intervals overlap.
DISAGREEMENT_SHARE = 0.10
# Chapman's estimate leaves this warning out (its own assumptions say the same).
FEWER_THAN_THREE_LISTS = N_(
    "fewer than three lists: the estimate assumes the lists are independent and every "
    "person equally likely to be listed, which can neither be checked nor relaxed with two "
    "lists"
)


def _arviz() -> Any:
    """arviz, told not to use numba: its numba paths compile anew in every process (about
    5 s of CPU before the first R-hat), where numpy takes milliseconds on these arrays."""
    import arviz as az

    az.Numba.disable_numba()
    return az


def median_spread(draws: npt.NDArray[np.float64]) -> dict[str, Any]:
    """How far apart the chains' medians are: in posterior standard deviations, as a share
    of the pooled median, and whether Monte Carlo error explains it (each chain's median
    has a standard error from its own effective sample size, arviz ``mcse``)."""
    from scipy import stats

    az = _arviz()

    chains = draws.shape[0]
    medians = np.median(draws, axis=1)
    sd = float(np.std(draws))
    pooled = float(np.median(draws))
    spread = float(medians.max() - medians.min())
    errors = np.array(
        [float(az.mcse(np.asarray(chain, dtype=np.float64), method="median")) for chain in draws]
    )
    errors = np.maximum(errors, 1e-12)
    weights = 1.0 / errors**2
    centre = float((weights * medians).sum() / weights.sum())
    statistic = float((((medians - centre) / errors) ** 2).sum())
    p_value = float(stats.chi2.sf(statistic, chains - 1))
    in_sd = spread / sd if sd > 0 else 0.0
    return {
        "chain_medians": [float(m) for m in medians],
        "median_spread_sd": in_sd,
        "median_spread_share": spread / pooled if pooled else 0.0,
        "median_spread_p": p_value,
        "chains_apart": bool(in_sd > MEDIAN_SPREAD_SD and p_value < MEDIAN_SPREAD_LEVEL),
        "chains_agree": bool(in_sd <= MEDIAN_SPREAD_SD),
    }


def chain_diagnostics(draws: npt.NDArray[np.float64]) -> tuple[dict[str, Any], list[str]]:
    """R-hat and effective sample size (arviz) of draws shaped (chains, draws), and the
    spread of the chains' medians."""
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        az = _arviz()
        data = az.convert_to_dataset(np.asarray(draws, dtype=np.float64)[:, :, None])
        rhat = float(az.rhat(data)["x"].values[0]) if draws.shape[0] > 1 else float("nan")
        ess_bulk = float(az.ess(data, method="bulk")["x"].values[0])
        ess_tail = float(az.ess(data, method="tail")["x"].values[0])
        spread = median_spread(draws) if draws.shape[0] > 1 else {}
    found: list[str] = []
    if draws.shape[0] < 2:
        found.append(
            Note(N_("only one chain was run, so convergence (R-hat) could not be checked"))
        )
    elif np.isfinite(rhat) and rhat > RHAT_LIMIT:
        found.append(
            Note(
                N_(
                    "the chains disagree (R-hat %(rhat)s > %(limit)s): run more iterations "
                    "before relying on this number"
                ),
                rhat=f"{rhat:.3f}",
                limit=RHAT_LIMIT,
            )
        )
    if spread.get("chains_apart"):
        found.append(
            Note(
                N_(
                    "the chains settled in different places (their medians are %(sd)s "
                    "posterior standard deviations apart, more than sampling error "
                    "explains): the sampler may be stuck in different labellings of the "
                    "latent classes; run longer or with more chains before relying on this"
                ),
                sd=f"{spread['median_spread_sd']:.2f}",
            )
        )
    if ess_bulk < ESS_TARGET or ess_tail < ESS_TARGET:
        found.append(
            Note(
                N_(
                    "few effective draws (bulk %(bulk)s, tail %(tail)s; want %(target)s+): "
                    "the interval ends are imprecise, run more iterations"
                ),
                bulk=f"{ess_bulk:.0f}",
                tail=f"{ess_tail:.0f}",
                target=ESS_TARGET,
            )
        )
    return {
        "chains": int(draws.shape[0]),
        "draws_per_chain": int(draws.shape[1]),
        "rhat": rhat,
        "ess_bulk": ess_bulk,
        "ess_tail": ess_tail,
        **spread,
    }, found


def converged(diagnostics: dict[str, Any]) -> bool:
    """The stopping rule: R-hat <= RHAT_LIMIT, bulk ESS >= ESS_TARGET and the chains'
    medians within MEDIAN_SPREAD_SD posterior standard deviations of each other (one
    chain: bulk ESS alone)."""
    rhat = diagnostics.get("rhat")
    ess = diagnostics.get("ess_bulk") or 0.0
    if diagnostics.get("chains", 2) < 2:
        # One chain has no R-hat: its effective draws are all there is to check.
        return bool(ess >= ESS_TARGET)
    return bool(
        rhat is not None
        and np.isfinite(rhat)
        and rhat <= RHAT_LIMIT
        and ess >= ESS_TARGET
        and diagnostics.get("chains_agree", True)
    )


def data_warnings(histories: Histories) -> list[Note]:
    """Warnings about the lists themselves: too few, too small, too little overlap."""
    found: list[Note] = []
    n_lists = len(histories.lists)
    patterns = histories.patterns.astype(np.int64)
    counts = histories.counts
    if n_lists < 3:
        found.append(Note(FEWER_THAN_THREE_LISTS))
    per_list = (patterns * counts[:, None]).sum(axis=0)
    for name, total in zip(histories.lists, per_list, strict=True):
        if total == 0:
            found.append(Note(N_("list %(name)s documents nobody here; drop it"), name=name))
        elif total < 10:
            found.append(
                Note(
                    N_("list %(name)s documents only %(n)s persons: too sparse to learn from"),
                    name=name,
                    n=int(total),
                )
            )
    for a in range(n_lists):
        for b in range(a + 1, n_lists):
            both = int(counts[(patterns[:, a] == 1) & (patterns[:, b] == 1)].sum())
            if both == 0 and per_list[a] > 0 and per_list[b] > 0:
                found.append(
                    Note(
                        N_(
                            "lists %(a)s and %(b)s share nobody: check the linkage; such "
                            "lists may cover different events or places"
                        ),
                        a=histories.lists[a],
                        b=histories.lists[b],
                    )
                )
    multi = int(counts[patterns.sum(axis=1) >= 2].sum())
    if histories.observed and multi / histories.observed < 0.05:
        found.append(
            Note(
                N_(
                    "only %(multi)s of %(n)s persons are on more than one list: the overlap "
                    "is too small for a stable estimate"
                ),
                multi=multi,
                n=histories.observed,
            )
        )
    return found


def method_disagreement(results: list[Any]) -> list[str]:
    """A warning when methods' estimates sit outside each other's intervals, or when their
    point estimates differ by more than DISAGREEMENT_SHARE of the smaller one."""
    found: list[str] = []
    for i, a in enumerate(results):
        for b in results[i + 1 :]:
            if not (np.isfinite(a.estimate) and np.isfinite(b.estimate)):
                continue
            if a.upper < b.lower or b.upper < a.lower:
                found.append(
                    Note(
                        N_(
                            "%(a)s (%(a_estimate)s) and %(b)s (%(b_estimate)s) disagree "
                            "beyond their intervals: the estimate depends on modelling "
                            "choices; report the range and the reasons"
                        ),
                        a=a.method,
                        a_estimate=f"{a.estimate:,.0f}",
                        b=b.method,
                        b_estimate=f"{b.estimate:,.0f}",
                    )
                )
                continue
            low, high = sorted((a.estimate, b.estimate))
            if low > 0 and (high - low) / low > DISAGREEMENT_SHARE:
                found.append(
                    Note(
                        N_(
                            "%(a)s (%(a_estimate)s) and %(b)s (%(b_estimate)s) differ by "
                            "%(share)s, more than %(limit)s, though their intervals overlap: "
                            "the estimate depends on modelling choices; report the range and "
                            "the reasons"
                        ),
                        a=a.method,
                        a_estimate=f"{a.estimate:,.0f}",
                        b=b.method,
                        b_estimate=f"{b.estimate:,.0f}",
                        share=f"{(high - low) / low:.0%}",
                        limit=f"{DISAGREEMENT_SHARE:.0%}",
                    )
                )
    return found
