"""Do LCMCR's chains agree for the right reason? HRDAG's "fainter lists" design.

    PYTHONPATH=src python -W ignore bench/mse_label_orderings.py [--chains 6] [--sweeps 300000]

On HRDAG's "fainter lists" simulation (N = 2,000, five lists: 1,600 persons listed with
probabilities 0.013-0.132 and 400 with 0.56-0.99; repository HRDAG/StanLCMCR,
import/hand/simulations.yaml), chains started at random used to settle in two labellings of
the latent classes with different medians, while R-hat stayed near 1. This draws data sets
from the design and runs long chains from R's start (list probabilities at the marginal
shares, classes ordered by weight) with and without the label-switching moves; it prints
each chain's median, R-hat, bulk ESS and the chain-median check (spread in posterior sd,
chi-square p-value, flagged or not).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from qantar.estimate import lcmcr
from qantar.model.histories import Histories

DESIGN = (
    (1600, (0.013, 0.013, 0.099, 0.132, 0.033)),
    (400, (0.560, 0.825, 0.759, 0.990, 0.593)),
)


def draw(seed: int) -> Histories:
    rng = np.random.default_rng(seed)
    rows = np.vstack(
        [(rng.random((size, len(p))) < np.asarray(p)).astype(np.uint8) for size, p in DESIGN]
    )
    return Histories.from_rows(["A", "B", "C", "D", "E"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", type=int, default=6)
    parser.add_argument("--sweeps", type=int, default=300_000, help="per chain after burn-in")
    parser.add_argument("--datasets", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    samples = 3_000
    for index in range(args.datasets):
        h = draw(args.seed * 1000 + index)
        print(f"data set {index + 1}: N = 2,000, observed {h.observed:,}")
        for moves in (False, True):
            started = time.perf_counter()
            result = lcmcr(
                h,
                seed=args.seed + index,
                chains=args.chains,
                samples=samples,
                thinning=max(1, args.sweeps // samples),
                until_converged=False,
                label_moves=moves,
            )
            d = result.diagnostics
            medians = ", ".join(f"{m:,.0f}" for m in d["chain_medians"])
            print(
                f"  label moves {'on ' if moves else 'off'}: median {result.estimate:,.0f} "
                f"({result.lower:,.0f}-{result.upper:,.0f}); chain medians {medians}; "
                f"R-hat {d['rhat']:.4f}, bulk ESS {d['ess_bulk']:,.0f}; spread "
                f"{d['median_spread_sd']:.2f} sd ({d['median_spread_share']:.1%} of the median), "
                f"p = {d['median_spread_p']:.2g}, flagged: {d['chains_apart']}; "
                f"{time.perf_counter() - started:.0f} s"
            )


if __name__ == "__main__":
    main()
