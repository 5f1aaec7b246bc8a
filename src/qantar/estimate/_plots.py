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


def posterior_figure(result: Estimate) -> plt.Figure:
    """The estimated total per method. With posterior draws: their histogram (a density)
    and, for methods without draws, the point and interval. With no draws at all (log-linear
    fits, Chapman): a point and its 95% interval per method, one row each, and no density
    axis, which would mean nothing."""
    results = [result, *result.others]
    if all(res.draws is None for res in results):
        return _intervals_figure(result, results)
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
    return fig


def _intervals_figure(result: Estimate, results: list[Estimate]) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(7, 1.6 + 0.5 * len(results)))
    rows = np.arange(len(results))[::-1]
    for row, res in zip(rows, results, strict=True):
        # An unbounded upper end is drawn to the plot's edge, with an arrow saying so.
        upper = res.upper if np.isfinite(res.upper) else None
        ax.errorbar(
            [res.estimate],
            [row],
            xerr=[[res.estimate - res.lower], [(upper or res.estimate) - res.estimate]],
            fmt="o",
            capsize=4,
        )
        if upper is None:
            ax.annotate("", xy=(1.0, row), xycoords=("axes fraction", "data"),
                        xytext=(res.estimate, row), arrowprops={"arrowstyle": "->"})  # fmt: skip
    ax.axvline(result.observed, linestyle="--", color="black", label="documented")
    ax.set_yticks(rows, [res.method for res in results])
    ax.set_ylim(-0.7, len(results) - 0.3)
    ax.set_xlabel("total number of persons (documented + estimated undocumented)")
    ax.set_title("Estimated total and 95% interval")
    ax.legend(fontsize=8)
    return fig


def plot_posteriors(result: Estimate, folder: Path) -> dict[str, Path]:
    """The estimated total per method (``posterior_figure``) as PNG and SVG."""
    return _save(posterior_figure(result), folder, "posterior")


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


def autocorrelation(chain: np.ndarray, lags: int) -> np.ndarray:
    """A chain's autocorrelation at lags 0..``lags``."""
    centred = chain - chain.mean()
    scale = float(centred @ centred)
    if scale == 0.0:
        return np.zeros(lags + 1)
    return np.array(
        [float(centred[: len(centred) - k] @ centred[k:]) / scale for k in range(lags + 1)]
    )


def plot_trace(result: Estimate, folder: Path) -> dict[str, Path]:
    """Trace of the total per chain (kept draws, in order) and each chain's
    autocorrelation by lag, for every method with several chains of draws."""
    out: dict[str, Path] = {}
    for res in [result, *result.others]:
        if res.draws is None or np.atleast_2d(res.draws).shape[0] < 2:
            continue
        draws = np.atleast_2d(res.draws)
        fig, (trace, acf) = plt.subplots(1, 2, figsize=(10, 3.5), width_ratios=(2, 1))
        for c, chain in enumerate(draws):
            trace.plot(chain, linewidth=0.4, alpha=0.8, label=f"chain {c + 1}")
        trace.set_xlabel("kept draw")
        trace.set_ylabel("total")
        trace.set_title(f"Trace ({res.method})")
        trace.legend(fontsize=7, ncols=min(4, draws.shape[0]))
        lags = int(min(100, draws.shape[1] // 4))
        for c, chain in enumerate(draws):
            acf.plot(autocorrelation(chain, lags), linewidth=1, label=f"chain {c + 1}")
        acf.axhline(0, color="black", linewidth=0.5)
        acf.set_xlabel("lag (kept draws)")
        acf.set_ylabel("autocorrelation")
        acf.set_title("Autocorrelation")
        out.update(_save(fig, folder, f"trace-{res.method}"))
    return out


def plot_sensitivity(sensitivity: dict[str, object], folder: Path) -> dict[str, Path]:
    """Each sensitivity row's estimate and 95% interval, the headline's interval shaded."""
    rows = [r for r in sensitivity["rows"] if isinstance(r, dict) and "error" not in r]  # type: ignore[attr-defined]
    head = sensitivity["headline"]
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(rows) + 1.5))
    y = np.arange(len(rows))[::-1]
    est = np.array([r["estimate"] for r in rows], dtype=float)
    lo = np.array([r["lower"] for r in rows], dtype=float)
    hi = np.array([r["upper"] for r in rows], dtype=float)
    hi_shown = np.where(np.isfinite(hi), hi, np.nanmax(np.where(np.isfinite(hi), hi, est)) * 1.2)
    ax.axvspan(head["lower"], head["upper"], color="0.9", label="headline interval")  # type: ignore[index]
    ax.errorbar(est, y, xerr=[est - lo, hi_shown - est], fmt="o", capsize=3)
    ax.set_yticks(y, [f"{r['analysis']}: {r['label']}" for r in rows], fontsize=7)
    ax.set_xlabel("estimated total (95% interval)")
    ax.set_title("Sensitivity of the estimate")
    ax.legend(fontsize=8)
    return _save(fig, folder, "sensitivity")
