"""Speed of the LCMCR sampler against R's LCMCR, and cost per iteration against N.

    PYTHONPATH=src python bench/mse_bench.py

1. Kosovo, R's settings (K = 10, 10,000 burn-in + 1,000 draws thinned by 100 = 110,000
   iterations): one chain, and four chains in parallel threads; ratio to R's 1.2 s
   (src/qantar/data/mse/README.md, measured on this kind of machine). Also the full
   accuracy check: posterior medians of three seeds within 3% of R's range.
2. Five lists, 1,000 persons vs 1,000,000 persons: microseconds per iteration. The
   sampler works on distinct patterns (at most 31 here), so the cost must not grow with N.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from qantar.estimate import lcmcr, read_histories_csv
from qantar.estimate._lcmcr_kernel import run_chain
from qantar.model.histories import Histories

R_SECONDS = 1.2
R_MEDIANS = (10464, 10352, 10340)
KOSOVO = Path(__file__).parents[1] / "src/qantar/data/mse/kosovo.csv"


def one_chain_seconds(
    h: Histories, *, burnin: int, samples: int, thinning: int, seed: int
) -> tuple[float, float]:
    """Seconds for one chain, and the mean number of occupied latent classes."""
    out = np.zeros((3, samples))
    started = time.perf_counter()
    run_chain(
        h.patterns,
        h.counts,
        10,
        0.25,
        0.25,
        burnin,
        samples,
        thinning,
        seed,
        out[0],
        out[1],
        out[2],
    )
    return time.perf_counter() - started, float(out[2].mean())


def simulate(n: int, seed: int) -> Histories:
    rng = np.random.default_rng(seed)
    visible = rng.random(n) < 1 / 3
    p = np.where(visible[:, None], [0.6, 0.5, 0.7, 0.55, 0.6], [0.2, 0.1, 0.15, 0.25, 0.1])
    rows = (rng.random((n, 5)) < p).astype(np.uint8)
    return Histories.from_rows(["A", "B", "C", "D", "E"], rows)


def main() -> None:
    load = os.getloadavg()[0]
    print(
        f"load average at start: {load:.1f} on {os.cpu_count()} cores "
        "(timings assume an idle machine)"
    )
    h = read_histories_csv(KOSOVO)
    one_chain_seconds(h, burnin=10, samples=10, thinning=1, seed=0)  # compile / load cache
    lcmcr(h, seed=0, iterations=100, burnin=10, samples=10, chains=2)
    singles = [
        one_chain_seconds(h, burnin=10_000, samples=1_000, thinning=100, seed=s)[0]
        for s in (1, 2, 3)
    ]
    single = min(singles)
    print("Kosovo, 110,000 iterations (R's settings), K = 10")
    print(
        f"  one chain:            {single:6.2f} s  (R {R_SECONDS} s)  "
        f"R/ours = {R_SECONDS / single:4.2f}"
    )
    started = time.perf_counter()
    runs = lcmcr(h, seed=1, iterations=100_000, burnin=10_000, samples=1_000, chains=4)
    four = time.perf_counter() - started
    print(
        f"  four chains parallel: {four:6.2f} s  ({4 * 110_000:,} iterations; "
        f"throughput R/ours = {4 * R_SECONDS / four:4.2f}, R-hat {runs.diagnostics['rhat']:.3f})"
    )
    medians = []
    for seed in (1, 2, 3):
        res = lcmcr(h, seed=seed, iterations=100_000, burnin=10_000, samples=1_000, chains=1)
        medians.append(res.estimate)
        print(f"  seed {seed}: median {res.estimate:,.0f}  95% {res.lower:,.0f}-{res.upper:,.0f}")
    lo, hi = min(R_MEDIANS) * 0.97, max(R_MEDIANS) * 1.03
    ok = all(lo <= m <= hi for m in medians)
    print(
        f"  within 3% of R's range {min(R_MEDIANS):,}-{max(R_MEDIANS):,}: {'yes' if ok else 'NO'}"
    )

    print("Five lists: cost per iteration against N (one chain, 20,000 iterations)")
    rows = []
    for n in (1_000, 10_000, 100_000, 1_000_000):
        sim = simulate(n, seed=5)
        timed = [
            one_chain_seconds(sim, burnin=0, samples=1_000, thinning=20, seed=s) for s in (1, 2)
        ]
        seconds, classes = min(timed)
        rows.append(seconds / 20_000 * 1e6)
        print(
            f"  N = {n:>9,}: {len(sim.counts):2d} distinct patterns, "
            f"{classes:4.1f} occupied classes, {rows[-1]:6.2f} µs per iteration"
        )
    print(
        f"  ratio 1,000,000 / 1,000 persons: {rows[-1] / rows[0]:.2f} "
        "(bounded: more data occupy more of the K classes, at most 10, so more draws "
        "per pattern; nothing is done per person)"
    )


if __name__ == "__main__":
    main()
