"""The report's plots, drawn with matplotlib (Agg): small, readable, no extra dependency."""

from __future__ import annotations

import datetime as dt
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from qantar.i18n import N_, Speaker, speaker
from qantar.ingest import Gazetteer, gazetteer
from qantar.publish._data import Overlap, ReportData
from qantar.publish._places import place_in

ENGLISH = speaker("en")
# The event types as the plots' axis names them (the report's table has its own labels).
EVENT_WORDS = {
    "died_in_custody": N_("died in custody"),
    "disappeared": N_("disappeared"),
    "detained": N_("detained"),
    "tortured": N_("tortured"),
    "injured": N_("injured"),
}

INK = "#1f2a36"
ACCENT = "#b3261e"
SOFT = "#8a9bb0"


def _fig(width: float, height: float) -> tuple[Figure, Any]:
    fig, ax = plt.subplots(figsize=(width, height))
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def headline(data: ReportData, talk: Speaker = ENGLISH) -> Figure | None:
    """Documented count, the estimate with its interval and the official figure, side by side."""
    _ = talk.gettext
    est = data.estimate
    if est is None or est.get("estimate") is None:
        return None
    labels = [_("documented")]
    values = [float(est["observed"])]
    colors = [SOFT]
    if data.official is not None:
        labels.append(_("official"))
        values.append(data.official.value)
        colors.append(INK)
    labels.append(_("estimated (%(method)s)") % {"method": est["method"]})
    values.append(float(est["estimate"]))
    colors.append(ACCENT)
    fig, ax = _fig(7, 0.6 * len(labels) + 1.2)
    y = list(range(len(labels)))[::-1]
    ax.barh(y, values, color=colors, height=0.55)
    lo, hi = est.get("lower"), est.get("upper")
    if lo is not None and hi is not None:
        e = float(est["estimate"])
        ax.errorbar([e], [y[-1]], xerr=[[e - lo], [hi - e]], fmt="none", ecolor=INK, capsize=6)
    for yi, v in zip(y, values, strict=True):
        # The estimate's label goes past its interval's end, where the whisker cannot hide it.
        at = max(v, float(hi)) if yi == y[-1] and hi is not None else v
        ax.text(at, yi, f"  {talk.number(v)}", va="center", fontsize=9)
    ax.set_yticks(y, labels)
    kind = data.run.event_type if data.run is not None else "killed"
    ax.set_xlabel(
        _("persons killed")
        if kind in ("killed", None)
        else _("persons (%(event)s)") % {"event": _(EVENT_WORDS.get(kind, kind))}
    )
    ax.set_xlim(0, max([*values, float(hi or 0)]) * 1.18)
    # Formatted (with no value) so that "%%" is one percent sign in every language.
    ax.set_title(_("The toll: documented, official and estimated (95%% interval)") % {})
    return fig


def strata(data: ReportData, talk: Speaker = ENGLISH) -> Figure | None:
    """Estimate and 95% interval per stratum, beside the number documented."""
    _ = talk.gettext
    est = data.strata_estimate
    if not est or not est.get("strata"):
        return None
    names = sorted(est["strata"], key=lambda n: -(est["strata"][n]["estimate"] or 0))
    parts = [est["strata"][n] for n in names]
    fig, ax = _fig(7, 0.42 * len(names) + 1.4)
    y = list(range(len(names)))[::-1]
    for yi, p in zip(y, parts, strict=True):
        if p["estimate"] is None:
            continue
        lo, hi = p["lower"] or p["estimate"], p["upper"] or p["estimate"]
        ax.errorbar([p["estimate"]], [yi], xerr=[[p["estimate"] - lo], [hi - p["estimate"]]],
                    fmt="o", color=ACCENT, capsize=3)  # fmt: skip
        ax.scatter([p["observed"]], [yi], marker="|", s=160, color=INK)
    ax.scatter([], [], marker="|", s=160, color=INK, label=_("documented"))
    ax.errorbar([], [], xerr=[], fmt="o", color=ACCENT, label=_("estimate, 95%% interval") % {})
    ax.set_yticks(y, [stratum_label(n, data.places, talk.lang) for n in names])
    ax.set_xlabel(_("persons"))
    field = est.get("settings", {}).get("strata_field") or _("stratum")
    ax.set_title(_("Estimates by %(field)s") % {"field": field})
    ax.legend(fontsize=8, loc="lower right")
    return fig


def stratum_label(stratum: str, places: Gazetteer | None = None, lang: str = "en") -> str:
    """A stratum's words: a region's name in ``lang`` from ``places`` (the report's
    gazetteer)."""
    from qantar.estimate import POOLED
    from qantar.i18n import speaker

    if stratum == POOLED:
        return speaker(lang).gettext(POOLED)
    if stratum.startswith("reg-") or stratum.islower():
        label = (places or gazetteer()).label(stratum, lang)
        return label if label and label != stratum else stratum
    return stratum


def upset(overlap: Overlap | None, max_bars: int = 20, talk: Speaker = ENGLISH) -> Figure | None:
    """An UpSet plot: bars for the persons in each exact combination of lists, a dot matrix
    saying which lists the combination is, and each list's size on the left."""
    if overlap is None or not overlap.counts:
        return None
    order = sorted(range(len(overlap.counts)), key=lambda i: (-overlap.counts[i], i))[:max_bars]
    n_lists = len(overlap.lists)
    sizes = [
        sum(c for p, c in zip(overlap.patterns, overlap.counts, strict=True) if p[j])
        for j in range(n_lists)
    ]
    fig = plt.figure(figsize=(max(6.0, 0.38 * len(order) + 3), 2.4 + 0.32 * n_lists))
    grid = fig.add_gridspec(2, 2, width_ratios=[1, 4], height_ratios=[3, 0.28 * n_lists + 0.4],
                            wspace=0.02, hspace=0.05)  # fmt: skip
    bars = fig.add_subplot(grid[0, 1])
    dots = fig.add_subplot(grid[1, 1], sharex=bars)
    left = fig.add_subplot(grid[1, 0], sharey=dots)
    x = list(range(len(order)))
    heights = [overlap.counts[i] for i in order]
    bars.bar(x, heights, color=INK, width=0.6)
    for xi, h in zip(x, heights, strict=True):
        bars.text(xi, h, str(h), ha="center", va="bottom", fontsize=7)
    bars.set_ylabel(talk.gettext("persons"))
    bars.spines[["top", "right"]].set_visible(False)
    bars.tick_params(axis="x", bottom=False, labelbottom=False)
    bars.set_title(talk.gettext("Overlap of the lists (UpSet plot)"))
    for xi, i in zip(x, order, strict=True):
        on = [j for j in range(n_lists) if overlap.patterns[i][j]]
        dots.scatter([xi] * n_lists, range(n_lists), color="#dddddd", s=40, zorder=1)
        dots.scatter([xi] * len(on), on, color=INK, s=40, zorder=2)
        if len(on) > 1:
            dots.plot([xi, xi], [min(on), max(on)], color=INK, linewidth=2, zorder=1)
    dots.set_yticks(range(n_lists), overlap.lists)
    dots.tick_params(axis="y", left=False, labelleft=False)
    dots.tick_params(axis="x", bottom=False, labelbottom=False)
    for side in ("top", "right", "left", "bottom"):
        dots.spines[side].set_visible(False)
    dots.set_ylim(-0.5, n_lists - 0.5)
    left.barh(range(n_lists), sizes, color=SOFT, height=0.5)
    left.invert_xaxis()
    left.set_yticks(range(n_lists), overlap.lists, fontsize=8)
    left.yaxis.tick_right()
    left.tick_params(axis="y", right=False, pad=2)
    left.set_xlabel("list size", fontsize=8)
    left.tick_params(axis="x", labelsize=7)
    for side in ("top", "left"):
        left.spines[side].set_visible(False)
    return fig


def by_day(data: ReportData, talk: Speaker = ENGLISH) -> Figure | None:
    _ = talk.gettext
    if not data.deaths_by_day:
        return None
    days = [dt.date.fromisoformat(d) for d, _ in data.deaths_by_day]
    counts = [c for _, c in data.deaths_by_day]
    fig, ax = _fig(7, 3)
    ax.bar(days, counts, color=ACCENT, width=0.8)
    ax.set_ylabel(_("persons"))
    title = _("Deaths by day")
    if data.deaths_undated:
        title = _("Deaths by day (%(undated)s without a known day not shown)") % {
            "undated": data.deaths_undated
        }
    ax.set_title(title)
    # Whole days only, written as dates: the automatic locator puts ticks at noon when
    # the days are few ("01-05 12"). At most about a dozen labels, one every few days.
    span = (max(days) - min(days)).days + 1
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, -(-span // 12))))
    if talk.lang == "en":
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %Y"))
    else:  # month names from Babel: matplotlib's come from the C locale, in English
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda x, _pos: talk.date_pattern(mdates.num2date(x).date(), "d MMM y"))
        )
    ax.set_xlim(min(days) - dt.timedelta(days=1), max(days) + dt.timedelta(days=1))
    fig.autofmt_xdate()
    return fig


def by_place(data: ReportData, top: int = 20, talk: Speaker = ENGLISH) -> Figure | None:
    _ = talk.gettext
    if not data.deaths_by_place:
        return None
    items = data.deaths_by_place[:top]
    fig, ax = _fig(7, 0.36 * len(items) + 1.2)
    y = list(range(len(items)))[::-1]
    ax.barh(y, [c for _, c in items], color=INK, height=0.6)
    for yi, (_name, c) in zip(y, items, strict=True):
        ax.text(c, yi, f" {c}", va="center", fontsize=8)
    ax.set_yticks(y, [place_in(name, talk.lang, data.places) or name for name, _n in items])
    ax.set_xlabel(_("persons"))
    ax.set_title(
        talk.about_case(
            N_("Deaths by region (as of January 2022)"),
            N_("Deaths by region (boundaries of the time: %(case)s)"),
            data.case_title,
        )
    )
    return fig


def trace(method: str, chains: list[list[float]], talk: Speaker = ENGLISH) -> Figure:
    """Each chain's draws of the total in order, and each chain's autocorrelation by lag."""
    from qantar.estimate import autocorrelation

    _ = talk.gettext
    fig, (path, acf) = plt.subplots(1, 2, figsize=(9, 3.2), width_ratios=(2, 1))
    lags = int(min(100, min(len(c) for c in chains) // 4))
    for number, chain in enumerate(chains, start=1):
        label = _("chain %(n)s") % {"n": number}
        path.plot(chain, linewidth=0.4, alpha=0.8, label=label)
        acf.plot(autocorrelation(np.asarray(chain), lags), linewidth=1, label=label)
    path.set_xlabel(_("kept draw"))
    path.set_ylabel(_("total"))
    path.set_title(_("Trace (%(method)s)") % {"method": method})
    path.legend(fontsize=7, ncols=min(4, len(chains)))
    acf.axhline(0, color=INK, linewidth=0.5)
    acf.set_xlabel(_("lag (kept draws)"))
    acf.set_ylabel(_("autocorrelation"))
    acf.set_title(_("Autocorrelation"))
    for ax in (path, acf):
        ax.spines[["top", "right"]].set_visible(False)
    return fig


def all_plots(data: ReportData, lang: str = "en") -> dict[str, Figure]:
    """Every plot the data allows, by name, labelled in ``lang``."""
    talk = speaker(lang)
    plots = {
        "toll": headline(data, talk),
        "strata": strata(data, talk),
        "overlap": upset(data.overlap, talk=talk),
        "by_day": by_day(data, talk),
        "by_place": by_place(data, talk=talk),
    }
    for method, chains in data.chains.items():
        plots[f"trace_{method}"] = trace(method, chains, talk)
    return {name: fig for name, fig in plots.items() if fig is not None}
