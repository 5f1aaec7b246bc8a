"""Speed of the LCMCR sampler against R's LCMCR, convergence on Kosovo, and cost per
iteration against N.

    PYTHONPATH=src python -W ignore bench/mse_bench.py [--skip-n]

1. Kosovo, R's settings (K = 10, a_alpha = b_alpha = 0.25, 10,000 burn-in + 1,000 draws
   thinned by 100 = 110,000 iterations per chain):
   - one chain: wall and CPU seconds, iterations per second;
   - four chains on one thread and on two (the GIL-free kernel runs one chain per
     thread): wall, CPU and CPU / wall, which says how much ran at once;
   - R's ``lcmCR`` on the same data and settings in the same run when R and LCMCR are
     installed; otherwise the bench says so and prints R's documented figures.
2. Kosovo sampled until converged (the library default: R-hat <= 1.01, bulk ESS >= 1,000,
   chain medians agree): median, interval, R-hat, ESS, rounds, wall time; the median
   against R's seed-to-seed spread (1 chain, seeds 1-10: 10,406-10,599, issue #21).
3. Five lists, 1,000 to 1,000,000 persons: microseconds per iteration (the sampler works
   on distinct patterns, so the cost must not grow with N).

Timings on a shared machine vary with its load: the load average is printed at the start
and end, and CPU seconds beside wall seconds.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from qantar.estimate import lcmcr, read_histories_csv
from qantar.estimate._lcmcr_kernel import advance_chain, start_state
from qantar.model.histories import Histories

# R's documented times for one 110,000-iteration chain of lcmCR on Kosovo.
R_DOCUMENTED = (
    (1.2, "src/qantar/data/mse/README.md, R 4.2.2 on a 2-core machine"),
    (4.0, "issue #21"),
)
R_SPREAD = (10_406, 10_599)  # R's 1-chain medians over seeds 1-10 (issue #21)
KOSOVO = Path(__file__).parents[1] / "src/qantar/data/mse/kosovo.csv"
SWEEPS = 110_000


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def one_chain(h: Histories, *, burnin: int, samples: int, thinning: int, seed: int) -> float:
    """CPU-and-wall timed single chain straight through the kernel; returns mean occupied
    classes."""
    lam = np.zeros((len(h.lists), 10))
    v = np.zeros(10)
    alpha = np.array([start_state(h.patterns, h.counts, seed, lam, v)])
    out = np.zeros((3, samples))
    rep = np.zeros((samples, len(h.counts) + 2))
    fit = np.zeros((samples, 2))
    advance_chain(
        h.patterns, h.counts, 0.25, 0.25, burnin, samples, thinning, seed, True, 1,
        lam, v, alpha, out[0], out[1], out[2], rep, fit,
    )  # fmt: skip
    return float(out[2].mean())


def r_lcmcr() -> tuple[float, float] | None:
    """R's lcmCR on Kosovo with R's settings: (seconds, median), or None without R."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    script = f"""
        suppressMessages(library(LCMCR))
        d <- read.csv("{KOSOVO}")
        lists <- setdiff(names(d), "count")
        rows <- d[rep(seq_len(nrow(d)), d$count), lists]
        for (n in lists) rows[[n]] <- factor(rows[[n]], levels = c(0, 1))
        set.seed(1)
        t <- system.time({{
          s <- lcmCR(rows, K = 10, a_alpha = 0.25, b_alpha = 0.25, seed = 1,
                     buffer_size = 10000, thinning = 100)
          N <- lcmCR_PostSampl(s, burnin = 10000, samples = 1000, thinning = 100,
                               output = FALSE)
        }})
        cat(t[["elapsed"]], median(N), "\\n")
    """
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as handle:
        handle.write(script)
    try:
        done = subprocess.run(
            [rscript, handle.name], capture_output=True, text=True, timeout=600, check=False
        )
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        return None
    seconds, median = done.stdout.split()[:2]
    return float(seconds), float(median)


def simulate(n: int, seed: int) -> Histories:
    rng = np.random.default_rng(seed)
    visible = rng.random(n) < 1 / 3
    p = np.where(visible[:, None], [0.6, 0.5, 0.7, 0.55, 0.6], [0.2, 0.1, 0.15, 0.25, 0.1])
    rows = (rng.random((n, 5)) < p).astype(np.uint8)
    return Histories.from_rows(["A", "B", "C", "D", "E"], rows)


def speed(h: Histories) -> None:
    print(f"1. Kosovo, {SWEEPS:,} iterations per chain (R's settings), K = 10")
    one_chain(h, burnin=10, samples=10, thinning=1, seed=0)  # load the compiled kernel
    lcmcr(h, seed=0, burnin=10, samples=10, thinning=1, chains=2, until_converged=False)
    for seed in (1, 2, 3):
        wall, used = time.perf_counter(), cpu()
        one_chain(h, burnin=10_000, samples=1_000, thinning=100, seed=seed)
        wall, used = time.perf_counter() - wall, cpu() - used
        print(
            f"   one chain (seed {seed}): wall {wall:5.2f} s, CPU {used:5.2f} s, "
            f"{SWEEPS / used:,.0f} iterations per CPU second"
        )
    for threads in (1, 2):
        wall, used = time.perf_counter(), cpu()
        result = lcmcr(h, seed=1, chains=4, threads=threads, until_converged=False)
        wall, used = time.perf_counter() - wall, cpu() - used
        d = result.diagnostics
        print(
            f"   four chains, {threads} thread(s): wall {wall:5.2f} s, CPU {used:5.2f} s, "
            f"CPU / wall {used / wall:4.2f}; median {result.estimate:,.0f}, "
            f"R-hat {d['rhat']:.3f}, bulk ESS {d['ess_bulk']:,.0f}"
        )
    measured = r_lcmcr()
    if measured is None:
        print(
            "   R: not installed here (CRAN is unreachable), so R was not run in this bench;"
            " R's documented time for one chain of these settings:"
        )
        for seconds, source in R_DOCUMENTED:
            print(f"     {seconds} s ({source})")
    else:
        print(
            f"   R lcmCR, one chain, same settings: {measured[0]:.2f} s, median {measured[1]:,.0f}"
        )


def converge(h: Histories) -> None:
    print("2. Kosovo until converged (library defaults, seeds 1-3)")
    for seed in (1, 2, 3):
        wall, used = time.perf_counter(), cpu()
        result = lcmcr(h, seed=seed)
        wall, used = time.perf_counter() - wall, cpu() - used
        d = result.diagnostics
        inside = R_SPREAD[0] <= result.estimate <= R_SPREAD[1]
        print(
            f"   seed {seed}: median {result.estimate:,.0f} "
            f"({result.lower:,.0f}-{result.upper:,.0f}); R-hat {d['rhat']:.4f}, "
            f"bulk ESS {d['ess_bulk']:,.0f}, tail ESS {d['ess_tail']:,.0f}; "
            f"{d['rounds']} rounds, {d['draws_per_chain']:,} draws per chain; "
            f"chain medians {d['median_spread_sd']:.2f} sd apart; "
            f"wall {wall:.1f} s, CPU {used:.1f} s; within R's spread "
            f"{R_SPREAD[0]:,}-{R_SPREAD[1]:,}: {'yes' if inside else 'no'}"
        )


def by_size() -> None:
    print("3. Five lists: cost per iteration against N (one chain, 20,000 iterations)")
    first = 0.0
    for n in (1_000, 10_000, 100_000, 1_000_000):
        sim = simulate(n, seed=5)
        timed = []
        for seed in (1, 2):
            used = cpu()
            classes = one_chain(sim, burnin=0, samples=1_000, thinning=20, seed=seed)
            timed.append((cpu() - used, classes))
        seconds, classes = min(timed)
        micro = seconds / 20_000 * 1e6
        first = first or micro
        print(
            f"   N = {n:>9,}: {len(sim.counts):2d} distinct patterns, "
            f"{classes:4.1f} occupied classes, {micro:6.2f} µs (CPU) per iteration, "
            f"{micro / first:4.2f} x N = 1,000"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-n", action="store_true", help="skip part 3")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    h = read_histories_csv(KOSOVO)
    speed(h)
    converge(h)
    if not args.skip_n:
        by_size()
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
