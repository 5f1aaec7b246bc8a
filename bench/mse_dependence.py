"""How often the list-dependence check flags, on dependent and independent lists.

    PYTHONPATH=src nice -n 10 python -W ignore bench/mse_dependence.py --seeds 20

For each design and seed, a ``qantar.synth`` scenario (300 killed, 150 detained, the five
default lists) gives the killed's capture histories; ``_dependence.dependence_check`` runs
on them, and, with ``--lcmcr``, a short LCMCR run (2 chains, 2,000 burn-in, 10,000
iterations, 500 draws) says whether its 95% interval holds the truth and whether its
posterior predictive check flags. Designs: synth's default (dependence 1: NGO and hotline
share a latent, official and morgue another; heterogeneity 1), no list dependence with
heterogeneity, and neither (lists independent given role and place).
"""

from __future__ import annotations

import argparse
import time

from qantar.estimate._dependence import dependence_check
from qantar.synth import ScenarioConfig, generate

DESIGNS = (
    ("synth default (dependence 1, heterogeneity 1)", 1.0, 1.0),
    ("weaker dependence (0.5, heterogeneity 1)", 0.5, 1.0),
    ("no list dependence (0, heterogeneity 1)", 0.0, 1.0),
    ("independent (dependence 0, heterogeneity 0)", 0.0, 0.0),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--lcmcr", action="store_true", help="also run a short LCMCR")
    args = parser.parse_args()
    started = time.perf_counter()
    print(
        "| design | dependence check flags | LCMCR covers | LCMCR covers when flagged "
        "| LCMCR predictive check flags |"
    )
    print("| --- | --- | --- | --- | --- |")
    for label, dependence, heterogeneity in DESIGNS:
        flags = covers = covers_flagged = ppc = 0
        for seed in range(1, args.seeds + 1):
            config = ScenarioConfig(
                n=args.n, detainees=150, dependence=dependence, heterogeneity=heterogeneity
            )
            histories = generate(config, seed=seed).histories("killed")
            check, _ = dependence_check(histories)
            flags += check["flagged"]
            if args.lcmcr:
                from qantar.estimate import lcmcr

                result = lcmcr(
                    histories, seed=seed, burnin=2_000, samples=500, iterations=10_000,
                    chains=2, until_converged=False,
                )  # fmt: skip
                covered = result.lower <= args.n <= result.upper
                covers += covered
                covers_flagged += covered and check["flagged"]
                ppc += result.diagnostics["predictive_check"]["flagged"]
        seeds = args.seeds
        lcmcr_cols = (
            f"{covers}/{seeds} | {covers_flagged}/{flags} | {ppc}/{seeds}"
            if args.lcmcr
            else "- | - | -"
        )
        print(f"| {label} | {flags}/{seeds} | {lcmcr_cols} |", flush=True)
    print(f"{time.perf_counter() - started:.0f} s wall")


if __name__ == "__main__":
    main()
