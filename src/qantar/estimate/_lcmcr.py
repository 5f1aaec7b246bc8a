"""LCMCR: Bayesian non-parametric latent class capture-recapture (Manrique-Vallier 2016)."""

from __future__ import annotations

import os

import numba
import numpy as np

from qantar.estimate._diagnostics import chain_diagnostics, data_warnings
from qantar.estimate._lcmcr_kernel import run_chains
from qantar.estimate._result import Estimate
from qantar.model.histories import Histories

_MAX_THREADS: int = int(numba.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]


def chain_seeds(seed: int, chains: int) -> np.ndarray:
    """Independent per-chain seeds derived from one user seed."""
    sequence = np.random.SeedSequence(seed)
    return np.array(
        [int(s.generate_state(1, dtype=np.uint32)[0]) for s in sequence.spawn(chains)],
        dtype=np.int64,
    )


def lcmcr(
    histories: Histories,
    *,
    seed: int,
    iterations: int = 100_000,
    burnin: int = 10_000,
    samples: int = 1_000,
    chains: int = 4,
    n_classes: int = 10,
    a_alpha: float = 0.25,
    b_alpha: float = 0.25,
    threads: int | None = None,
) -> Estimate:
    """Estimate the total with the LCMCR model: persons fall in latent classes that
    lists document with different probabilities, which absorbs both heterogeneity of
    persons and dependence between lists.

    ``iterations`` counts post-burn-in Gibbs sweeps per chain, of which ``samples`` are
    kept (thinning = iterations // samples). Defaults mirror R's ``lcmCR`` as used on the
    reference data: K = 10 classes, a_alpha = b_alpha = 0.25, 10,000 burn-in and 1,000
    draws thinned by 100. Chains run in parallel threads; ``seed`` makes the run exactly
    reproducible whatever the number of threads.
    """
    if chains < 1 or samples < 1 or iterations < samples:
        raise ValueError("need chains >= 1, samples >= 1 and iterations >= samples")
    thinning = max(1, iterations // samples)
    seeds = chain_seeds(seed, chains)
    out_n = np.zeros((chains, samples))
    out_alpha = np.zeros((chains, samples))
    out_classes = np.zeros((chains, samples))
    wanted = threads or min(chains, os.cpu_count() or 1, _MAX_THREADS)
    previous = numba.get_num_threads()
    numba.set_num_threads(max(1, min(wanted, _MAX_THREADS)))
    try:
        run_chains(
            np.ascontiguousarray(histories.patterns, dtype=np.uint8),
            np.ascontiguousarray(histories.counts, dtype=np.int64),
            n_classes,
            a_alpha,
            b_alpha,
            burnin,
            samples,
            thinning,
            seeds,
            out_n,
            out_alpha,
            out_classes,
        )
    finally:
        numba.set_num_threads(previous)
    diagnostics, warnings = chain_diagnostics(out_n)
    diagnostics["alpha_median"] = float(np.median(out_alpha))
    diagnostics["occupied_classes_mean"] = float(out_classes.mean())
    if out_classes.mean() >= n_classes - 1:
        # Most draws fill (nearly) every class: the truncation may be binding.
        warnings.append(
            f"nearly all {n_classes} latent classes are in use: raise the number of classes"
        )
    draws = out_n.reshape(-1)
    return Estimate(
        method="lcmcr",
        lists=histories.lists,
        observed=histories.observed,
        estimate=float(np.median(draws)),
        lower=float(np.quantile(draws, 0.025)),
        upper=float(np.quantile(draws, 0.975)),
        diagnostics=diagnostics,
        warnings=data_warnings(histories) + warnings,
        settings={
            "seed": seed,
            "iterations": iterations,
            "burnin": burnin,
            "samples": samples,
            "thinning": thinning,
            "chains": chains,
            "n_classes": n_classes,
            "a_alpha": a_alpha,
            "b_alpha": b_alpha,
        },
        draws=out_n,
    )
