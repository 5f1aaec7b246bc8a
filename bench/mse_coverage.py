"""Coverage and bias of the estimators on simulated data with known totals.

    PYTHONPATH=src python -W ignore bench/mse_coverage.py --replicates 25 --seed 1

Thirteen settings x 25 data sets = 325. Settings 1-8 draw a fresh truth N (2,000-5,000),
fresh list probabilities and fresh persons with ``qantar.synth.simulate_histories``:

- homogeneous: everyone equally visible (list probabilities 0.15-0.45);
- 2 classes: a visible third documented by each list with probability 0.4-0.7 and a
  hidden two thirds at 0.05-0.25 (drawn per list) — LCMCR's own generating model;
- 3 classes: a fifth at 0.5-0.8, two fifths at 0.25-0.45, two fifths at 0.08-0.2;
- continuous h: each person's visibility is normal with standard deviation h on the
  logit scale (0.5 moderate; 1.0 strong, with a tail of persons nearly invisible to
  every list);
- dependence: a latent shared by lists 1 and 2 (standard deviation 1.0), or for the class
  settings, a person on list 1 put on list 2 with probability 0.5;
- published designs (settings 9-13): the five fixed latent-class populations of N = 2,000
  on five lists that HRDAG used to compare R's LCMCR with its Stan version (repository
  HRDAG/StanLCMCR, import/hand/simulations.yaml); the first is the simulation of
  Manrique-Vallier (2016). Each replicate draws fresh capture histories from the same
  population. They are outside references: designs we did not choose.

"Heterogeneity-only" settings are those with heterogeneity and no dependence; the summary
prints LCMCR's coverage over those latent classes can represent (classes, moderate
continuous) and, separately, over all of them including strong continuous heterogeneity.
Prints, per setting and method, the share of 95% intervals that contain N, the mean
relative bias (estimate / N - 1) and the mean relative width.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from qantar.estimate import dga, lcmcr, loglinear
from qantar.estimate._result import Estimate
from qantar.model.histories import Histories
from qantar.synth import simulate_histories


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str  # "homogeneous", "classes2", "classes3", "continuous" or "published"
    level: float  # continuous heterogeneity (sd on the logit scale)
    dependence: bool
    n_lists: int
    # For published designs: (class size, list probabilities) of a population of fixed N.
    classes: tuple[tuple[int, tuple[float, ...]], ...] = ()

    @property
    def heterogeneity_only(self) -> bool:
        return self.kind != "homogeneous" and not self.dependence

    @property
    def representable(self) -> bool:
        """Heterogeneity a few latent classes can represent."""
        return (
            self.kind.startswith("classes")
            or self.kind == "published"
            or (self.kind == "continuous" and self.level <= 0.5)
        )


SETTINGS = (
    Setting("homogeneous, independent, 5 lists", "homogeneous", 0.0, False, 5),
    Setting("2 classes, 4 lists", "classes2", 0.0, False, 4),
    Setting("2 classes, 5 lists", "classes2", 0.0, False, 5),
    Setting("3 classes, 5 lists", "classes3", 0.0, False, 5),
    Setting("continuous 0.5, 5 lists", "continuous", 0.5, False, 5),
    Setting("continuous 1.0 (strong), 5 lists", "continuous", 1.0, False, 5),
    Setting("homogeneous, dependent 1-2, 5 lists", "homogeneous", 0.0, True, 5),
    Setting("2 classes, dependent 1-2, 5 lists", "classes2", 0.0, True, 5),
    # HRDAG/StanLCMCR simulation designs (sim1 = Manrique-Vallier 2016), N = 2,000.
    Setting(
        "published sim1 (MV 2016)",
        "published",
        0.0,
        False,
        5,
        ((1800, (0.033, 0.033, 0.099, 0.132, 0.033)), (200, (0.660, 0.825, 0.759, 0.990, 0.693))),
    ),
    Setting(
        "published sim2 (fainter lists)",
        "published",
        0.0,
        False,
        5,
        ((1600, (0.013, 0.013, 0.099, 0.132, 0.033)), (400, (0.560, 0.825, 0.759, 0.990, 0.593))),
    ),
    Setting(
        "published sim3 (brighter lists)",
        "published",
        0.0,
        False,
        5,
        ((1600, (0.113, 0.113, 0.199, 0.232, 0.133)), (400, (0.860, 0.925, 0.859, 0.990, 0.793))),
    ),
    Setting(
        "published sim4 (3 classes)",
        "published",
        0.0,
        False,
        5,
        (
            (1600, (0.1, 0.05, 0.15, 0.2, 0.1)),
            (200, (0.5, 0.4, 0.6, 0.4, 0.5)),
            (200, (0.8, 0.9, 0.6, 0.7, 0.7)),
        ),
    ),
    Setting(
        "published sim5 (opposed lists)",
        "published",
        0.0,
        False,
        5,
        ((1600, (0.113, 0.113, 0.199, 0.832, 0.733)), (400, (0.860, 0.925, 0.859, 0.190, 0.193))),
    ),
)


def simulate(setting: Setting, rng: np.random.Generator) -> tuple[int, Histories]:
    if setting.kind == "published":
        n = sum(size for size, _ in setting.classes)
        sim = simulate_histories(
            n,
            setting.n_lists,
            latent_classes=[(size / n, list(probs)) for size, probs in setting.classes],
            seed=int(rng.integers(2**31)),
        )
        return n, sim.histories
    n = int(rng.integers(2000, 5001))
    L = setting.n_lists
    seed = int(rng.integers(2**31))
    if setting.kind in ("classes2", "classes3"):
        if setting.kind == "classes2":
            classes = [
                (1 / 3, list(rng.uniform(0.4, 0.7, L))),
                (2 / 3, list(rng.uniform(0.05, 0.25, L))),
            ]
        else:
            classes = [
                (0.2, list(rng.uniform(0.5, 0.8, L))),
                (0.4, list(rng.uniform(0.25, 0.45, L))),
                (0.4, list(rng.uniform(0.08, 0.2, L))),
            ]
        sim = simulate_histories(n, L, latent_classes=classes, seed=seed)
        if not setting.dependence:
            return n, sim.histories
        rows = sim.matrix.copy()
        rows[(rows[:, 0] == 1) & (rng.random(n) < 0.5), 1] = 1
        return n, Histories.from_rows(sim.histories.lists, rows)
    sim = simulate_histories(
        n,
        L,
        heterogeneity=setting.level,
        dependence=1.0 if setting.dependence else 0.0,
        capture=list(rng.uniform(0.15, 0.45, L)),
        seed=seed,
    )
    return n, sim.histories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=25, help="data sets per setting")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=20_000)
    parser.add_argument("--chains", type=int, default=2)
    parser.add_argument("--settings", default="", help="comma-separated setting numbers (1-13)")
    parser.add_argument("--methods", default="lcmcr,loglinear,dga")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    methods = args.methods.split(",")
    chosen = [int(s) for s in args.settings.split(",") if s] or range(1, len(SETTINGS) + 1)
    settings = [SETTINGS[i - 1] for i in chosen]
    hits: dict[tuple[str, str], list[bool]] = defaultdict(list)
    bias: dict[tuple[str, str], list[float]] = defaultdict(list)
    width: dict[tuple[str, str], list[float]] = defaultdict(list)
    seen: dict[str, list[float]] = defaultdict(list)
    started = time.perf_counter()
    for setting in settings:
        for _ in range(args.replicates):
            truth, histories = simulate(setting, rng)
            seed = int(rng.integers(2**31))
            seen[setting.name].append(histories.observed / truth)
            results: list[Estimate] = []
            if "lcmcr" in methods:
                results.append(
                    lcmcr(
                        histories,
                        seed=seed,
                        iterations=args.iterations,
                        burnin=args.iterations // 4,
                        samples=500,
                        chains=args.chains,
                        until_converged=False,
                    )
                )
            if "loglinear" in methods:
                results.append(loglinear(histories))
            if "dga" in methods:
                results.append(dga(histories, seed=seed))
            for res in results:
                key = (setting.name, res.method)
                hits[key].append(res.lower <= truth <= res.upper)
                bias[key].append(res.estimate / truth - 1)
                width[key].append((res.upper - res.lower) / truth)
    elapsed = time.perf_counter() - started
    total = args.replicates * len(settings)
    print(f"{total} simulated data sets, {args.replicates} per setting, {elapsed:.0f} s")
    print(
        f"{'setting':38} {'seen':>5} {'method':10} {'coverage':>9} {'rel.bias':>9} {'rel.width':>9}"
    )
    for setting in settings:
        share = np.mean(seen[setting.name])
        for method in methods:
            key = (setting.name, method)
            print(
                f"{setting.name:38} {share:5.0%} {method:10} {np.mean(hits[key]):9.0%} "
                f"{np.mean(bias[key]):+9.1%} {np.mean(width[key]):9.2f}"
            )
    if "lcmcr" in methods:
        for label, keep in (
            ("published designs (HRDAG/StanLCMCR, MV 2016)", lambda s: s.kind == "published"),
            ("heterogeneity-only, representable by classes", lambda s: s.representable),
            ("heterogeneity-only, all (incl. strong continuous)", lambda s: True),
        ):
            chosen_hits = [
                h
                for s in settings
                if s.heterogeneity_only and keep(s)
                for h in hits[(s.name, "lcmcr")]
            ]
            if chosen_hits:
                print(
                    f"LCMCR coverage, {label}: {np.mean(chosen_hits):.0%} "
                    f"({sum(chosen_hits)}/{len(chosen_hits)})"
                )


if __name__ == "__main__":
    main()
