"""Coverage and bias of the estimators on simulated data with known totals.

    PYTHONPATH=src python bench/mse_coverage.py --replicates 25 --seed 1

Settings cross heterogeneity of persons (none, or a hidden majority that every list
documents rarely) with dependence between lists (none, or lists 1 and 2 sharing
sources). Each data set draws a fresh truth N, fresh list probabilities and fresh
persons; prints, per setting and method, the share of 95% intervals that contain N and
the mean relative bias (estimate / N - 1). Uses ``qantar.synth.simulate_histories`` when
that exists (``--simulator synth``); the local simulator below is the default so that
the figures in bench/README.md can be reproduced on any branch.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from qantar.estimate import dga, lcmcr, loglinear
from qantar.model.histories import Histories


@dataclass(frozen=True)
class Setting:
    name: str
    heterogeneity: bool
    dependence: float
    n_lists: int


SETTINGS = (
    Setting("homogeneous, independent, 4 lists", False, 0.0, 4),
    Setting("heterogeneous, independent, 4 lists", True, 0.0, 4),
    Setting("heterogeneous, independent, 5 lists", True, 0.0, 5),
    Setting("homogeneous, dependent, 4 lists", False, 0.5, 4),
    Setting("heterogeneous, dependent, 5 lists", True, 0.5, 5),
    Setting("homogeneous, independent, 5 lists", False, 0.0, 5),
    Setting("heterogeneous, independent, 4 lists, small", True, 0.0, 4),
    Setting("heterogeneous, dependent, 4 lists", True, 0.5, 4),
)


def simulate(setting: Setting, rng: np.random.Generator) -> tuple[int, Histories]:
    """Persons in two groups: with heterogeneity, a visible third whom each list
    documents with probability 0.4-0.7 and a hidden rest at 0.05-0.25 (drawn per list);
    without, everyone at 0.15-0.45. With dependence d, a person on list 1 is put on
    list 2 with probability d (lists sharing sources)."""
    small = "small" in setting.name
    n = int(rng.integers(500, 1500) if small else rng.integers(2000, 6000))
    L = setting.n_lists
    if setting.heterogeneity:
        visible = rng.random(n) < 1 / 3
        p = np.where(
            visible[:, None], rng.uniform(0.4, 0.7, size=L), rng.uniform(0.05, 0.25, size=L)
        )
    else:
        p = np.broadcast_to(rng.uniform(0.15, 0.45, size=L), (n, L))
    rows = (rng.random((n, L)) < p).astype(np.uint8)
    if setting.dependence:
        rows[(rows[:, 0] == 1) & (rng.random(n) < setting.dependence), 1] = 1
    return n, Histories.from_rows([f"L{j + 1}" for j in range(L)], rows)


SYNTH_SETTINGS = (
    Setting("synth: homogeneous, independent, 4 lists", False, 0.0, 4),
    Setting("synth: heterogeneity 0.5, independent, 4 lists", True, 0.0, 4),
    Setting("synth: heterogeneity 0.5, independent, 5 lists", True, 0.0, 5),
    Setting("synth: heterogeneity 1.0, independent, 5 lists", True, 0.0, 5),
    Setting("synth: homogeneous, dependence 1.0, 4 lists", False, 1.0, 4),
    Setting("synth: heterogeneity 0.5, dependence 1.0, 5 lists", True, 1.0, 5),
    Setting("synth: homogeneous, independent, 5 lists", False, 0.0, 5),
    Setting("synth: heterogeneity 1.0, dependence 1.0, 4 lists", True, 1.0, 4),
)


def simulate_synth(setting: Setting, rng: np.random.Generator) -> tuple[int, Histories]:
    """The project's simulator: heterogeneity is the standard deviation of each person's
    visibility on the logit scale (continuous, with a tail of nearly invisible persons),
    dependence the standard deviation of a latent shared by lists 1 and 2."""
    from qantar.synth import simulate_histories

    n = int(rng.integers(2000, 6000))
    level = 1.0 if "heterogeneity 1.0" in setting.name else 0.5
    sim = simulate_histories(
        n,
        setting.n_lists,
        heterogeneity=level if setting.heterogeneity else 0.0,
        dependence=setting.dependence,
        seed=int(rng.integers(2**31)),
    )
    return int(getattr(sim, "n_true", sim.n)), sim.histories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=25, help="data sets per setting")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=20_000)
    parser.add_argument("--simulator", choices=("local", "synth"), default="local")
    parser.add_argument("--settings", type=int, default=len(SETTINGS), help="first k settings")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    draw = simulate if args.simulator == "local" else simulate_synth
    hits: dict[tuple[str, str], list[bool]] = defaultdict(list)
    bias: dict[tuple[str, str], list[float]] = defaultdict(list)
    width: dict[tuple[str, str], list[float]] = defaultdict(list)
    started = time.perf_counter()
    settings = (SETTINGS if args.simulator == "local" else SYNTH_SETTINGS)[: args.settings]
    for setting in settings:
        for _ in range(args.replicates):
            truth, histories = draw(setting, rng)
            seed = int(rng.integers(2**31))
            results = [
                lcmcr(
                    histories,
                    seed=seed,
                    iterations=args.iterations,
                    burnin=args.iterations // 4,
                    samples=500,
                    chains=2,
                ),
                loglinear(histories),
                dga(histories, seed=seed),
            ]
            for res in results:
                key = (setting.name, res.method)
                hits[key].append(res.lower <= truth <= res.upper)
                bias[key].append(res.estimate / truth - 1)
                width[key].append((res.upper - res.lower) / truth)
    elapsed = time.perf_counter() - started
    total = args.replicates * len(settings)
    print(f"{total} simulated data sets, {args.replicates} per setting, {elapsed:.0f} s")
    print(f"{'setting':46} {'method':10} {'coverage':>9} {'rel.bias':>9} {'rel.width':>9}")
    for setting in settings:
        for method in ("lcmcr", "loglinear", "dga"):
            key = (setting.name, method)
            print(
                f"{setting.name:46} {method:10} {np.mean(hits[key]):9.0%} "
                f"{np.mean(bias[key]):+9.1%} {np.mean(width[key]):9.2f}"
            )
    het_only = [
        np.mean(hits[(s.name, "lcmcr")]) for s in settings if s.heterogeneity and s.dependence == 0
    ]
    if het_only:
        print(f"LCMCR coverage, heterogeneity-only settings: {np.mean(het_only):.0%}")


if __name__ == "__main__":
    main()
