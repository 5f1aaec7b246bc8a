"""What the capture settings do: two-list (Chapman) estimates against the true N.

Positive dependence between the NGO and its hotline pushes their two-list estimate down;
heterogeneity pushes every two-list estimate down. Figures are ratios estimate / N.

    PYTHONPATH=src python bench/synth_capture.py
"""

from __future__ import annotations

import numpy as np

from qantar.synth import ScenarioConfig, generate, simulate_histories


def chapman(m: np.ndarray, i: int, j: int) -> float:
    a, b = m[:, i] == 1, m[:, j] == 1
    n1, n2, both = int(a.sum()), int(b.sum()), int((a & b).sum())
    return (n1 + 1) * (n2 + 1) / (both + 1) - 1


def main() -> None:
    n = 5000
    lists = ("official", "ngo", "press", "hotline")
    print(f"scenario, N = {n}: Chapman estimate / N for list pairs (seed 1)")
    print(f"{'heterogeneity':>13} {'dependence':>10} {'observed':>8} "
          f"{'ngo+hotline':>11} {'ngo+press':>9} {'official+press':>14}")  # fmt: skip
    for het, dep in ((0.0, 0.0), (0.0, 2.0), (1.0, 0.0), (1.0, 1.0), (2.0, 1.0)):
        sc = generate(
            ScenarioConfig(n=n, lists=lists, heterogeneity=het, dependence=dep, duplicates=0),
            seed=1,
        )
        m = sc.captured
        observed = int(m.any(axis=1).sum())
        print(
            f"{het:>13} {dep:>10} {observed / n:>8.2f} {chapman(m, 1, 3) / n:>11.2f} "
            f"{chapman(m, 1, 2) / n:>9.2f} {chapman(m, 0, 2) / n:>14.2f}"
        )
    print("\nsimulate_histories, N = 20000, 4 lists: Chapman(L1, L2) / N and (L3, L4) / N")
    for het, dep in ((0.0, 0.0), (0.0, 1.5), (1.5, 0.0)):
        sim = simulate_histories(20000, 4, heterogeneity=het, dependence=dep, seed=2)
        print(
            f"  heterogeneity {het}, dependence {dep}: "
            f"{chapman(sim.matrix, 0, 1) / sim.n:.2f}, {chapman(sim.matrix, 2, 3) / sim.n:.2f}"
        )


if __name__ == "__main__":
    main()
