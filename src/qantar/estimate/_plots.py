"""Plots of posteriors and of estimates by stratum, as PNG and SVG (matplotlib, Agg).

A run saves its plots in English; a page in Kazakh or Russian draws them again from the
saved run in its reader's words (``PlotWords``, ``saved_plot``)."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from qantar.errors import N_
from qantar.estimate._result import Estimate


def _as_written(message: str) -> str:
    return message


@dataclass(frozen=True)
class PlotWords:
    """How a plot words its titles and labels (``gettext``) and names a stratum (``stratum``:
    a region by its place's name); English and the codes by default. Every message is
    formatted, so a literal per cent sign is written ``%%``."""

    gettext: Callable[[str], str] = _as_written
    stratum: Callable[[str], str] = str

    def __call__(self, message: str, **params: Any) -> str:
        return self.gettext(message) % params


ENGLISH = PlotWords()
DOCUMENTED = N_("documented")
TOTAL_AXIS = N_("total number of persons (documented + estimated undocumented)")


def _save(fig: plt.Figure, folder: Path, stem: str) -> dict[str, Path]:
    out = {}
    for ext in ("png", "svg"):
        path = folder / f"{stem}.{ext}"
        fig.savefig(path, dpi=120, bbox_inches="tight")
        out[f"{stem}_{ext}"] = path
    plt.close(fig)
    return out


def posterior_figure(result: Estimate, say: PlotWords = ENGLISH) -> plt.Figure:
    """The estimated total per method. With posterior draws: their histogram (a density)
    and, for methods without draws, the point and interval. With no draws at all (log-linear
    fits, Chapman): a point and its 95% interval per method, one row each, and no density
    axis, which would mean nothing."""
    results = [result, *result.others]
    if all(res.draws is None for res in results):
        return _intervals_figure(result, results, say)
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
            label=say(N_("%(method)s (95%% interval)"), method=res.method),
        )
    ax.axvline(result.observed, linestyle="--", color="black", label=say(DOCUMENTED))
    ax.set_xlabel(say(TOTAL_AXIS))
    ax.set_ylabel(say(N_("posterior density")))
    ax.set_title(say(N_("Estimated total")))
    ax.legend(fontsize=8)
    return fig


def _intervals_figure(result: Estimate, results: list[Estimate], say: PlotWords) -> plt.Figure:
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
    ax.axvline(result.observed, linestyle="--", color="black", label=say(DOCUMENTED))
    ax.set_yticks(rows, [res.method for res in results])
    ax.set_ylim(-0.7, len(results) - 0.3)
    ax.set_xlabel(say(TOTAL_AXIS))
    ax.set_title(say(N_("Estimated total and 95%% interval")))
    ax.legend(fontsize=8)
    return fig


def plot_posteriors(result: Estimate, folder: Path) -> dict[str, Path]:
    """The estimated total per method (``posterior_figure``) as PNG and SVG."""
    return _save(posterior_figure(result), folder, "posterior")


def plot_strata(result: Estimate, folder: Path) -> dict[str, Path]:
    """Estimate and 95% interval per stratum, beside the number documented."""
    return _save(strata_figure(result), folder, "strata")


def strata_figure(result: Estimate, say: PlotWords = ENGLISH) -> plt.Figure:
    """Estimate and 95% interval per stratum, beside the number documented."""
    names = list(result.strata)
    parts = [result.strata[n] for n in names]
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(names) + 1.5))
    y = np.arange(len(names))
    est = np.array([p.estimate for p in parts])
    lo = np.array([p.lower for p in parts])
    hi = np.array([p.upper for p in parts])
    ax.errorbar(
        est, y, xerr=[est - lo, hi - est], fmt="o", capsize=4,
        label=say(N_("estimate, 95%% interval")),
    )  # fmt: skip
    ax.scatter(
        [p.observed for p in parts], y, marker="|", s=200, color="black", label=say(DOCUMENTED)
    )
    ax.set_yticks(y, [say.stratum(n) for n in names])
    ax.set_xlabel(say(N_("persons")))
    ax.set_title(say(N_("Estimates by stratum (%(method)s)"), method=result.method))
    ax.legend(fontsize=8)
    return fig


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
        fig = trace_figure(res)
        if fig is not None:
            out.update(_save(fig, folder, f"trace-{res.method}"))
    return out


def trace_figure(res: Estimate, say: PlotWords = ENGLISH) -> plt.Figure | None:
    """One method's chains: trace and autocorrelation (None with fewer than two chains)."""
    if res.draws is None or np.atleast_2d(res.draws).shape[0] < 2:
        return None
    draws = np.atleast_2d(res.draws)
    fig, (trace, acf) = plt.subplots(1, 2, figsize=(10, 3.5), width_ratios=(2, 1))
    for c, chain in enumerate(draws):
        trace.plot(chain, linewidth=0.4, alpha=0.8, label=say(N_("chain %(n)s"), n=c + 1))
    trace.set_xlabel(say(N_("kept draw")))
    trace.set_ylabel(say(N_("total")))
    trace.set_title(say(N_("Trace (%(method)s)"), method=res.method))
    trace.legend(fontsize=7, ncols=min(4, draws.shape[0]))
    lags = int(min(100, draws.shape[1] // 4))
    for c, chain in enumerate(draws):
        acf.plot(autocorrelation(chain, lags), linewidth=1, label=say(N_("chain %(n)s"), n=c + 1))
    acf.axhline(0, color="black", linewidth=0.5)
    acf.set_xlabel(say(N_("lag (kept draws)")))
    acf.set_ylabel(say(N_("autocorrelation")))
    acf.set_title(say(N_("Autocorrelation")))
    return fig


def plot_sensitivity(sensitivity: dict[str, object], folder: Path) -> dict[str, Path]:
    """Each sensitivity row's estimate and 95% interval, the headline's interval shaded."""
    return _save(sensitivity_figure(sensitivity), folder, "sensitivity")


def sensitivity_figure(sensitivity: dict[str, Any], say: PlotWords = ENGLISH) -> plt.Figure:
    """Each sensitivity row's estimate and 95% interval, the headline's interval shaded."""
    from qantar.estimate._wording import analysis_words, row_label
    from qantar.notes import say as in_words

    rows = [r for r in sensitivity["rows"] if isinstance(r, dict) and "error" not in r]
    head = sensitivity["headline"]
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(rows) + 1.5))
    y = np.arange(len(rows))[::-1]
    est = np.array([r["estimate"] for r in rows], dtype=float)
    lo = np.array([r["lower"] for r in rows], dtype=float)
    hi = np.array([r["upper"] for r in rows], dtype=float)
    hi_shown = np.where(np.isfinite(hi), hi, np.nanmax(np.where(np.isfinite(hi), hi, est)) * 1.2)
    ax.axvspan(head["lower"], head["upper"], color="0.9", label=say(N_("headline interval")))
    ax.errorbar(est, y, xerr=[est - lo, hi_shown - est], fmt="o", capsize=3)
    labels = [
        say(
            N_("%(analysis)s: %(choice)s"),
            analysis=in_words(analysis_words(str(r["analysis"])), say.gettext),
            choice=in_words(row_label(r), say.gettext),
        )
        for r in rows
    ]
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_xlabel(say(N_("estimated total (95%% interval)")))
    ax.set_title(say(N_("Sensitivity of the estimate")))
    ax.legend(fontsize=8)
    return fig


def saved_plot(folder: Path, file: str, say: PlotWords) -> bytes | None:
    """One of a saved run's plots (``posterior.svg``, ``strata.png``, ``trace-lcmcr.svg``,
    ``sensitivity.png``) drawn again from the run's result and draws in ``say``'s words;
    None when the run has no such plot."""
    stem, _dot, ext = file.rpartition(".")
    if ext not in ("png", "svg"):
        return None
    with _PYPLOT:
        return _drawn_again(folder, stem, ext, say)


# pyplot keeps its figures in one state per process; a web server draws in several threads.
_PYPLOT = threading.Lock()


def _drawn_again(folder: Path, stem: str, ext: str, say: PlotWords) -> bytes | None:
    result = _saved_estimate(folder)
    fig: plt.Figure | None = None
    if stem == "posterior":
        fig = posterior_figure(result, say)
    elif stem == "strata" and result.strata:
        fig = strata_figure(result, say)
    elif stem == "sensitivity" and result.sensitivity is not None:
        fig = sensitivity_figure(result.sensitivity, say)
    elif stem.startswith("trace-"):
        chosen = [r for r in (result, *result.others) if r.method == stem.removeprefix("trace-")]
        fig = trace_figure(chosen[0], say) if chosen else None
    if fig is None:
        return None
    out = io.BytesIO()
    fig.savefig(out, format=ext, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return out.getvalue()


def _saved_estimate(folder: Path) -> Estimate:
    """The part of a saved run the plots need: numbers, strata, sensitivity and the draws of
    the total per method (chains by draws), from result.json and draws.parquet."""
    data = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    from qantar.estimate._outputs import saved_draws

    draws = saved_draws(folder)

    def build(part: dict[str, Any], method_draws: bool) -> Estimate:
        method = str(part.get("method", ""))
        return Estimate(
            method=method,
            lists=tuple(part.get("lists", ())),
            observed=int(part.get("observed") or 0),
            estimate=_finite(part.get("estimate")),
            lower=_finite(part.get("lower")),
            upper=_finite(part.get("upper")),
            strata={n: build(s, False) for n, s in (part.get("strata") or {}).items()},
            draws=draws.get(method) if method_draws else None,
            others=[build(o, True) for o in part.get("methods", [])],
            sensitivity=part.get("sensitivity"),
        )

    return build(data, True)


def _finite(value: Any) -> float:
    return float(value) if value is not None else float("inf")
