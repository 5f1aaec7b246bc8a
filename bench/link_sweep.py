"""Threshold and linkage sweep on synthetic truth: how the default settings were chosen.

    PYTHONPATH=src python bench/link_sweep.py --seeds 3,7,11,19,23

Links each seed's five-list scenario once (``link_bench._synthetic``), then clusters the
stored scores again at every threshold × linkage of the grid and prints pairwise
precision / recall / F1 per seed before any review, the mean F1 and the lowest precision.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import link_bench

from qantar.link import run
from qantar.link._cluster import cluster
from qantar.link._evaluate import measures
from qantar.link._features import iter_records
from qantar.link._pipeline import _truth_ids, record_traits, stored_pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seeds", default="3,7,11,19,23")
    parser.add_argument("--thresholds", default="0.1,0.2,0.3")
    parser.add_argument("--linkages", default="0.1,0.15,0.2,0.25,0.3")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    grid = [
        (float(t), float(k)) for t in args.thresholds.split(",") for k in args.linkages.split(",")
    ]
    found: dict[tuple[float, float], dict[int, dict[str, float | int]]] = {}
    for seed in seeds:
        with tempfile.TemporaryDirectory() as tmp:
            project, truth = link_bench._synthetic(Path(tmp), args.n, seed)
            run(project, seed=seed, truth=truth)
            ids = _truth_ids(project, truth, list(iter_records(project.engine)))
            with project.engine.connect() as conn:
                pairs = stored_pairs(conn)
            traits = record_traits(project.engine)
            project.close()
        for t, k in grid:
            c = cluster(list(ids), pairs, t, linkage=k, **traits)
            label = {m: str(i) for i, cl in enumerate(c.clusters) for m in cl.members}
            found.setdefault((t, k), {})[seed] = measures(label, ids)
    print("threshold linkage  " + "  ".join(f"seed {s} P/R/F1" for s in seeds))
    for (t, k), by_seed in found.items():
        cells = "  ".join(
            f"{m['precision']:.3f}/{m['recall']:.3f}/{m['f1']:.4f}" for m in by_seed.values()
        )
        mean = sum(float(m["f1"]) for m in by_seed.values()) / len(by_seed)
        low = min(float(m["precision"]) for m in by_seed.values())
        print(f"{t:9.2f} {k:7.2f}  {cells}  mean F1 {mean:.4f}  lowest P {low:.3f}")


if __name__ == "__main__":
    main()
