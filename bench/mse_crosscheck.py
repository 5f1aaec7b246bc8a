"""Is the LCMCR sampler right, and where does its under-coverage come from?

    PYTHONPATH=src python -W ignore bench/mse_crosscheck.py

1. The pattern-level numba kernel against a plain person-level Gibbs sampler of the same
   model, written independently here in numpy (one class label per person, numpy's
   negative binomial for the unseen): same data, posterior quantiles of N side by side.
2. Frequentist behaviour of the exact posterior of N under LCMCR's priors with one
   class (lambda ~ Beta(1, 1), p(N) ∝ 1/N), where the model is exactly right and no MCMC
   is involved: with weakly informative data the posterior median sits below the truth
   and the 95% interval covers less than 95%. That is the priors, not the sampler.
3. LCMCR (the kernel, K = 10) on data drawn from its own generating model (two latent
   classes, five lists, N 2,000-5,000): coverage and bias over ``--replicates`` data sets.
4. Three latent classes, five lists, with N 2,000-5,000 and 100 times that, fitted with
   K = 10 (the default) and K = 3 (the true number): does coverage reach 95% when the data
   are plentiful and the model identified?
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import numpy.typing as npt
from scipy.special import betaln, gammaln

from qantar.estimate import lcmcr
from qantar.synth import simulate_histories


def person_gibbs(
    rows: npt.NDArray[np.float64], *, n_classes: int, iterations: int, burnin: int, seed: int
) -> npt.NDArray[np.int64]:
    rng = np.random.default_rng(seed)
    n, _ = rows.shape
    K = n_classes
    lam = rng.beta(1, 1, size=(K, rows.shape[1]))
    alpha = 1.0
    v = rng.beta(1, alpha, size=K)
    v[-1] = 1
    pi = v * np.concatenate([[1], np.cumprod(1 - v[:-1])])
    out = []
    for it in range(iterations):
        logw = np.log(pi)[None, :] + rows @ np.log(lam).T + (1 - rows) @ np.log1p(-lam).T
        w = np.exp(logw - logw.max(1, keepdims=True))
        w /= w.sum(1, keepdims=True)
        z = np.minimum((rng.random(n)[:, None] > np.cumsum(w, 1)).sum(1), K - 1)
        q = pi * np.prod(1 - lam, 1)
        p0 = q.sum()
        n0 = int(rng.negative_binomial(n, 1 - p0))
        z0 = rng.choice(K, size=n0, p=q / p0) if n0 else np.zeros(0, np.int64)
        m = np.bincount(z, minlength=K) + np.bincount(z0, minlength=K)
        s = np.zeros_like(lam)
        np.add.at(s, z, rows)
        lam = np.clip(rng.beta(1 + s, 1 + m[:, None] - s), 1e-300, 1 - 1e-16)
        above = m[::-1].cumsum()[::-1] - m
        v = np.minimum(rng.beta(1 + m, alpha + above), 1 - 1e-12)
        v[-1] = 1
        pi = v * np.concatenate([[1], np.cumprod(1 - v[:-1])])
        alpha = rng.gamma(0.25 + K - 1, 1 / (0.25 - np.log1p(-v[:-1]).sum()))
        if it >= burnin:
            out.append(n + n0)
    return np.asarray(out)


def cross_check() -> None:
    sim = simulate_histories(
        600,
        4,
        latent_classes=[(0.4, [0.5, 0.45, 0.4, 0.55]), (0.6, [0.15, 0.2, 0.1, 0.2])],
        seed=11,
    )
    rows = sim.matrix[sim.matrix.sum(1) > 0].astype(np.float64)
    qs = [0.025, 0.25, 0.5, 0.75, 0.975]
    started = time.perf_counter()
    plain = person_gibbs(rows, n_classes=10, iterations=60_000, burnin=5_000, seed=1)
    took = time.perf_counter() - started
    kernel = lcmcr(
        sim.histories,
        seed=2,
        iterations=200_000,
        burnin=5_000,
        samples=20_000,
        chains=2,
        until_converged=False,
    )
    draws = kernel.draws.reshape(-1) if kernel.draws is not None else np.zeros(1)
    print(f"1. same data: N = {sim.n}, observed {sim.observed}; quantiles {qs}")
    print(f"   person-level numpy ({took:.0f} s): {np.quantile(plain, qs).round(0)}")
    print(f"   pattern-level kernel:        {np.quantile(draws, qs).round(0)}")


def exact_m0(replicates: int, rng: np.random.Generator) -> None:
    hits, bias = [], []
    n_true = 3000
    for _ in range(replicates):
        rows = rng.random((n_true, 4)) < rng.uniform(0.03, 0.08, 4)
        n = int(rows.any(1).sum())
        grid = np.arange(n, 40 * n)
        logp = -np.log(grid) + gammaln(grid + 1) - gammaln(grid - n + 1)
        logp += sum(betaln(1 + a, 1 + grid - a) for a in rows.sum(0))
        cdf = np.cumsum(np.exp(logp - logp.max()))
        cdf /= cdf[-1]
        lo, med, hi = (grid[np.searchsorted(cdf, q)] for q in (0.025, 0.5, 0.975))
        hits.append(lo <= n_true <= hi)
        bias.append(med / n_true - 1)
    print(
        f"2. exact one-class posterior, N = 3,000, lists at 0.03-0.08, {replicates} data sets: "
        f"coverage {np.mean(hits):.0%}, median bias {np.median(bias):+.1%}, "
        f"median below N in {np.mean(np.asarray(bias) < 0):.0%}"
    )


def well_specified(replicates: int, iterations: int, rng: np.random.Generator) -> None:
    hits, bias = [], []
    for _ in range(replicates):
        n = int(rng.integers(2000, 5001))
        classes = [(0.4, [0.5, 0.45, 0.4, 0.55, 0.5]), (0.6, [0.15, 0.2, 0.1, 0.2, 0.15])]
        sim = simulate_histories(n, 5, latent_classes=classes, seed=int(rng.integers(2**31)))
        res = lcmcr(
            sim.histories,
            seed=int(rng.integers(2**31)),
            iterations=iterations,
            burnin=iterations // 2,
            samples=500,
            chains=1,
            until_converged=False,
        )
        hits.append(res.lower <= n <= res.upper)
        bias.append(res.estimate / n - 1)
    print(
        f"3. LCMCR on its own model (2 classes, 5 lists), {replicates} data sets, "
        f"{iterations:,} iterations: coverage {np.mean(hits):.0%}, "
        f"mean bias {np.mean(bias):+.1%}, median below N in {np.mean(np.asarray(bias) < 0):.0%}"
    )


def three_classes(replicates: int, rng: np.random.Generator) -> None:
    for scale in (1, 100):
        for k in (10, 3):
            hits, bias = [], []
            local = np.random.default_rng(rng.integers(2**31))
            for _ in range(replicates):
                n = int(local.integers(2000, 5001)) * scale
                classes = [
                    (0.2, list(local.uniform(0.5, 0.8, 5))),
                    (0.4, list(local.uniform(0.25, 0.45, 5))),
                    (0.4, list(local.uniform(0.08, 0.2, 5))),
                ]
                sim = simulate_histories(
                    n, 5, latent_classes=classes, seed=int(local.integers(2**31))
                )
                res = lcmcr(
                    sim.histories,
                    seed=int(local.integers(2**31)),
                    iterations=20_000,
                    burnin=5_000,
                    samples=500,
                    chains=2,
                    n_classes=k,
                    until_converged=False,
                )
                hits.append(res.lower <= n <= res.upper)
                bias.append(res.estimate / n - 1)
            print(
                f"4. 3 classes, N x {scale}, K = {k}, {replicates} data sets: "
                f"coverage {np.mean(hits):.0%}, mean bias {np.mean(bias):+.1%}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=100)
    parser.add_argument("--iterations", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--parts", default="1,2,3,4")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    parts = args.parts.split(",")
    if "1" in parts:
        cross_check()
    if "2" in parts:
        exact_m0(4 * args.replicates, rng)
    if "3" in parts:
        well_specified(args.replicates, args.iterations, rng)
    if "4" in parts:
        three_classes(args.replicates // 2, np.random.default_rng(args.seed + 1))


if __name__ == "__main__":
    main()
