"""LCMCR: Bayesian non-parametric latent class capture-recapture (Manrique-Vallier 2016)."""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from qantar.errors import InputError
from qantar.estimate._diagnostics import (
    ESS_TARGET,
    chain_diagnostics,
    converged,
    data_warnings,
)
from qantar.estimate._lcmcr_kernel import advance_chain, start_state
from qantar.estimate._predictive import predictive_check
from qantar.estimate._result import Estimate
from qantar.model.histories import Histories
from qantar.notes import N_, Note

# R's lcmCR as HRDAG runs it (K = 10; its default priors), and the sampling schedule of
# the reference runs: 10,000 burn-in sweeps, then rounds of 1,000 draws thinned by 100.
N_CLASSES = 10
A_ALPHA = 0.25
B_ALPHA = 0.25
BURNIN = 10_000
SAMPLES = 1_000
THINNING = 100
CHAINS = 4
# The cap on kept draws per chain when sampling until converged: 2,000,000 sweeps.
MAX_SAMPLES = 20_000
# Predictive replicates kept per chain and round, at most.
CHECKS_PER_ROUND = 1_000


def chain_seeds(seed: int, chains: int, stream: int = 0) -> npt.NDArray[np.int64]:
    """Independent per-chain seeds derived from one user seed; ``stream`` separates the
    start and each round of sampling."""
    sequence = np.random.SeedSequence([seed, stream])
    return np.array(
        [int(s.generate_state(1, dtype=np.uint32)[0]) for s in sequence.spawn(chains)],
        dtype=np.int64,
    )


@dataclass
class _Chains:
    """The state of all chains and every kept draw so far."""

    lam: npt.NDArray[np.float64]
    v: npt.NDArray[np.float64]
    alpha: npt.NDArray[np.float64]
    moves: npt.NDArray[np.int64]
    parts: dict[str, list[npt.NDArray[np.float64]]] = field(default_factory=dict)

    def kept(self, name: str) -> npt.NDArray[np.float64]:
        return np.concatenate(self.parts[name], axis=1)


def _start(histories: Histories, seed: int, chains: int, n_classes: int) -> _Chains:
    n_lists = len(histories.lists)
    state = _Chains(
        lam=np.zeros((chains, n_lists, n_classes)),
        v=np.zeros((chains, n_classes)),
        alpha=np.ones(chains),
        moves=np.zeros(chains, dtype=np.int64),
    )
    for c, chain_seed in enumerate(chain_seeds(seed, chains, stream=1 << 20)):
        state.alpha[c] = start_state(
            histories.patterns, histories.counts, int(chain_seed), state.lam[c], state.v[c]
        )
    return state


def _advance(
    histories: Histories,
    state: _Chains,
    *,
    seeds: npt.NDArray[np.int64],
    a_alpha: float,
    b_alpha: float,
    burnin: int,
    samples: int,
    thinning: int,
    label_moves: bool,
    threads: int,
) -> None:
    chains = seeds.shape[0]
    n_patterns = histories.patterns.shape[0]
    # The predictive check needs a few thousand replicates, not one per draw: with many
    # lists (up to 2^L - 1 patterns each) that would not fit in memory.
    check_every = max(1, math.ceil(samples / CHECKS_PER_ROUND))
    checks = math.ceil(samples / check_every)
    out = {
        "n": np.zeros((chains, samples)),
        "alpha": np.zeros((chains, samples)),
        "classes": np.zeros((chains, samples)),
        "rep": np.zeros((chains, checks, n_patterns + 2)),
        "fit": np.zeros((chains, checks, 2)),
    }

    def run(c: int) -> None:
        state.moves[c] += advance_chain(
            histories.patterns,
            histories.counts,
            a_alpha,
            b_alpha,
            burnin,
            samples,
            thinning,
            int(seeds[c]),
            label_moves,
            check_every,
            state.lam[c],
            state.v[c],
            state.alpha[c : c + 1],
            out["n"][c],
            out["alpha"][c],
            out["classes"][c],
            out["rep"][c],
            out["fit"][c],
        )

    # The kernel releases the GIL, so these threads run chains at once, one per core.
    # Each chain seeds its thread's generator and runs to its end on that thread, so
    # the draws do not depend on the number of threads or on scheduling.
    with ThreadPoolExecutor(max_workers=max(1, min(threads, chains))) as pool:
        list(pool.map(run, range(chains)))
    for name, values in out.items():
        state.parts.setdefault(name, []).append(values)


def _next_round(diagnostics: dict[str, Any], kept: int, samples: int, cap: int) -> int:
    """Draws per chain for the next round: enough for the ESS target at the rate seen so
    far (plus a fifth), at least one round of ``samples``, at most up to the cap."""
    ess = diagnostics.get("ess_bulk") or 0.0
    wanted = samples
    if ess > 0 and ess < ESS_TARGET:
        wanted = math.ceil(kept * (ESS_TARGET / ess - 1.0) * 1.2)
    elif ess >= ESS_TARGET:
        # The chains disagree rather than lack draws: double them.
        wanted = kept
    return int(max(1, min(max(wanted, samples), cap - kept)))


def lcmcr(
    histories: Histories,
    *,
    seed: int,
    burnin: int = BURNIN,
    samples: int = SAMPLES,
    thinning: int | None = None,
    iterations: int | None = None,
    chains: int = CHAINS,
    n_classes: int = N_CLASSES,
    a_alpha: float = A_ALPHA,
    b_alpha: float = B_ALPHA,
    until_converged: bool = True,
    max_samples: int = MAX_SAMPLES,
    label_moves: bool = True,
    threads: int | None = None,
) -> Estimate:
    """Estimate the total with the LCMCR model: persons fall in latent classes that
    lists document with different probabilities, which absorbs both heterogeneity of
    persons and dependence between lists.

    Defaults are R's ``lcmCR`` as used on the reference data: K = 10 classes,
    alpha ~ Gamma(a_alpha = 0.25, b_alpha = 0.25), 10,000 burn-in sweeps and 1,000 draws
    per chain thinned by 100 (``iterations``, the post-burn-in sweeps, may be given
    instead of ``thinning``: thinning = iterations // samples). With ``until_converged``
    the chains then continue in rounds until R-hat <= 1.01, bulk ESS >= 1,000 and the
    chains' medians agree (see ``_diagnostics.converged``), or until ``max_samples`` kept
    draws per chain; the result says which. ``label_moves`` (on by default) adds the
    label-switching moves of ``_lcmcr_kernel``; off, the sampler is R's. Chains run in
    parallel threads, one per core; ``seed`` makes the run exactly reproducible whatever
    the number of threads.
    """
    if iterations is not None and thinning is None:
        thinning = max(1, iterations // max(samples, 1))
    thinning = THINNING if thinning is None else thinning
    if chains < 1 or samples < 1 or thinning < 1 or burnin < 0 or n_classes < 1:
        raise InputError(
            N_(
                "LCMCR needs chains >= 1, draws >= 1, thinning >= 1, burn-in >= 0 and "
                "classes >= 1"
            )
        )
    if a_alpha <= 0 or b_alpha <= 0:
        raise InputError(N_("the Gamma prior on alpha needs a_alpha > 0 and b_alpha > 0"))
    max_samples = max(max_samples, samples)
    patterns = np.ascontiguousarray(histories.patterns, dtype=np.uint8)
    counts = np.ascontiguousarray(histories.counts, dtype=np.int64)
    data = Histories(histories.lists, patterns, counts)
    state = _start(data, seed, chains, n_classes)
    workers = threads or min(chains, os.cpu_count() or 1)
    rounds = 0
    size = samples
    while True:
        _advance(
            data,
            state,
            seeds=chain_seeds(seed, chains, stream=rounds),
            a_alpha=a_alpha,
            b_alpha=b_alpha,
            burnin=burnin if rounds == 0 else 0,
            samples=size,
            thinning=thinning,
            label_moves=label_moves,
            threads=workers,
        )
        rounds += 1
        draws = state.kept("n")
        diagnostics, warnings = chain_diagnostics(draws)
        kept = draws.shape[1]
        if not until_converged or converged(diagnostics) or kept >= max_samples:
            break
        size = _next_round(diagnostics, kept, samples, max_samples)
    alphas = state.kept("alpha")
    classes = state.kept("classes")
    diagnostics["alpha_median"] = float(np.median(alphas))
    diagnostics["occupied_classes_mean"] = float(classes.mean())
    diagnostics["rounds"] = rounds
    diagnostics["sweeps_per_chain"] = burnin + kept * thinning
    diagnostics["label_moves_accepted"] = int(state.moves.sum())
    diagnostics["converged"] = converged(diagnostics)
    if until_converged and not diagnostics["converged"]:
        warnings.append(
            Note(
                N_(
                    "the chains had not converged when the cap of %(cap)s draws per chain "
                    "was reached: raise max_samples (--max-draws) or check the warnings above"
                ),
                cap=f"{max_samples:,}",
            )
        )
    if classes.mean() >= n_classes - 1:
        # Most draws fill (nearly) every class: the truncation may be binding.
        warnings.append(
            Note(
                N_("nearly all %(n)s latent classes are in use: raise the number of classes"),
                n=n_classes,
            )
        )
    check, check_warnings = predictive_check(data, state.kept("rep"), state.kept("fit"))
    diagnostics["predictive_check"] = check
    pooled = draws.reshape(-1)
    return Estimate(
        method="lcmcr",
        lists=histories.lists,
        observed=histories.observed,
        estimate=float(np.median(pooled)),
        lower=float(np.quantile(pooled, 0.025)),
        upper=float(np.quantile(pooled, 0.975)),
        diagnostics=diagnostics,
        warnings=data_warnings(histories) + warnings + check_warnings,
        settings={
            "seed": seed,
            "burnin": burnin,
            "samples": samples,
            "thinning": thinning,
            "iterations": samples * thinning,
            "chains": chains,
            "n_classes": n_classes,
            "a_alpha": a_alpha,
            "b_alpha": b_alpha,
            "until_converged": until_converged,
            "max_samples": max_samples,
            "label_moves": label_moves,
        },
        draws=draws,
    )
