"""Plots of posteriors and of estimates by stratum, as PNG and SVG (matplotlib, Agg)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from qantar.estimate._result import Estimate


def _save(fig: plt.Figure, folder: Path, stem: str) -> dict[str, Path]:
    out = {}
    for ext in ("png", "svg"):
        path = folder / f"{stem}.{ext}"
        fig.savefig(path, dpi=120, bbox_inches="tight")
        out[f"{stem}_{ext}"] = path
    plt.close(fig)
    return out


def plot_posteriors(result: Estimate, folder: Path) -> dict[str, Path]:
    """Posterior of the total per method (histogram of draws) or, for methods without
    draws, the point and interval; the observed count as a dashed line."""
    results = [result, *result.others]
    fig, ax = plt.subplots(figsize=(7, 4))
    for res in results:
        if res.draws is not None:
            ax.hist(np.ravel(res.draws), bins=60, density=True, alpha=0.45, label=f"{res.method}")
        ax.axvline(res.estimate, linewidth=1)
    ymax = ax.get_ylim()[1] or 1.0
    for i, res in enumerate(r for r in results if r.draws is None):
        y = ymax * (0.9 - 0.1 * i)
        ax.errorbar(
            [res.estimate],
            [y],
            xerr=[[res.estimate - res.lower], [res.upper - res.estimate]],
            fmt="o",
            capsize=4,
            label=f"{res.method} (95% interval)",
        )
    ax.axvline(result.observed, linestyle="--", color="black", label="documented")
    ax.set_xlabel("total number of persons (documented + estimated undocumented)")
    ax.set_ylabel("posterior density")
    ax.set_title("Estimated total")
    ax.legend(fontsize=8)
    return _save(fig, folder, "posterior")


def plot_strata(result: Estimate, folder: Path) -> dict[str, Path]:
    """Estimate and 95% interval per stratum, beside the number documented."""
    names = list(result.strata)
    parts = [result.strata[n] for n in names]
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(names) + 1.5))
    y = np.arange(len(names))
    est = np.array([p.estimate for p in parts])
    lo = np.array([p.lower for p in parts])
    hi = np.array([p.upper for p in parts])
    ax.errorbar(est, y, xerr=[est - lo, hi - est], fmt="o", capsize=4, label="estimate, 95%")
    ax.scatter([p.observed for p in parts], y, marker="|", s=200, color="black", label="documented")
    ax.set_yticks(y, names)
    ax.set_xlabel("persons")
    ax.set_title(f"Estimates by stratum ({result.method})")
    ax.legend(fontsize=8)
    return _save(fig, folder, "strata")
