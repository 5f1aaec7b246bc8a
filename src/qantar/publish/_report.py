"""The report: one self-contained HTML file (inline CSS, plots as base64 PNG), optional PDF."""

from __future__ import annotations

import base64
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from qantar.errors import QantarError
from qantar.estimate._diagnostics import RHAT_LIMIT
from qantar.estimate._wording import (
    ANALYSES,
    POOLED,
    in_stratum,
    of_method,
    strata_named,
)
from qantar.i18n import N_, Speaker, speaker
from qantar.model.dicts import jsonable
from qantar.notes import say
from qantar.publish._data import ReportData
from qantar.publish._places import place_in
from qantar.publish._plots import all_plots, stratum_label
from qantar.publish._render import localised
from qantar.settings import DEFAULTS

SECTIONS = (
    ("summary", N_("Summary")),
    ("sources", N_("Sources")),
    ("linkage", N_("Linkage")),
    ("estimate", N_("The true toll")),
    ("event-types", N_("What happened: persons per event type")),
    ("strata", N_("Estimates by stratum")),
    ("overlap", N_("Overlap of the lists")),
    ("by-day", N_("Deaths by day")),
    ("by-place", N_("Deaths by place")),
    ("method", N_("Method, assumptions, diagnostics and warnings")),
    ("reproduce", N_("How to reproduce this report")),
)

# The default title (no [report] title), a whole sentence per case and per project name
# (left out when the text guard withholds it); English reads as before: "Deaths in <case
# title>: <project>".
TITLES = {
    (True, True): N_("Deaths in January 2022: %(project)s"),
    (True, False): N_("Deaths in January 2022"),
    (False, True): N_("Deaths in %(case)s: %(project)s"),
    (False, False): N_("Deaths in %(case)s"),
}


def report_title(data: ReportData, talk: Speaker) -> str:
    """The report's title in ``talk``'s language: the project's own ``[report] title`` as
    written, else the default worded for the reader."""
    if not data.default_title:
        return data.title
    sentence = TITLES[(data.case_title == DEFAULTS.case.title, bool(data.project_name))]
    return talk.gettext(sentence) % {"case": data.case_title, "project": data.project_name}


METHODS = {
    "lcmcr": N_(
        "Bayesian latent-class multiple systems estimation (LCMCR, Manrique-Vallier 2016). "
        "It looks at how often the same person appears on several lists. If lists overlap "
        "little, many people must be on none of them; if they overlap a lot, few are missing. "
        "Latent classes let some kinds of people be easier to document than others."
    ),
    "loglinear": N_(
        "Log-linear models of the overlap between lists (as in R's Rcapture), the model "
        "chosen by an information criterion. The model extends the observed pattern of "
        "overlaps to the one cell nobody can see: people on no list."
    ),
    "dga": N_(
        "Bayesian model averaging over decomposable graphical models (Madigan and York 1997): "
        "every way the lists might depend on each other is weighed by how well it fits."
    ),
    "chapman": N_(
        "The Chapman estimator for two lists: the number on both lists tells how much each "
        "list misses."
    ),
}
ASSUMPTIONS = (
    N_(
        "The linkage is right: each person is counted once, and two people are not merged. "
        "Pairs still awaiting review are a source of error."
    ),
    N_("Every list documents the same event and population: deaths in January 2022."),
    N_(
        "Each person could have been on each list. People no list could ever reach "
        "(for instance, deaths hidden from all documenters alike) are not counted by any method."
    ),
    N_(
        "Dependence between lists (one list copying another) is handled only as far as the "
        "model allows; lists compiled from each other inflate the overlap and lower the estimate."
    ),
)
# The assumption that names the case, for a case other than Qantar: its [case] title in a
# sentence that needs no inflection of it.
_CASE_ASSUMPTION = N_("Every list documents the same event and population: deaths in January 2022.")
_CASE_ASSUMPTION_AROUND = N_(
    "Every list documents the same event and population (the deaths of: %(case)s)."
)


def _assumption(text: str, talk: Speaker, case_title: str) -> str:
    if text == _CASE_ASSUMPTION:
        return talk.about_case(text, _CASE_ASSUMPTION_AROUND, case_title)
    return talk.gettext(text)


DIAGNOSTIC_WORDS = {
    "rhat": N_(
        "R-hat: agreement between independent chains (near 1.00 is good; "
        "above %(limit)s is a warning)"
    ),
    "ess_bulk": N_("effective number of independent draws for the middle of the estimate"),
    "ess_tail": N_("effective number of independent draws for the interval ends"),
    "chains": N_("independent sampling chains"),
    "draws_per_chain": N_("draws kept per chain"),
    "methods": N_("methods run"),
    "strata": N_("strata estimated"),
    "imputations": N_("imputations of missing stratum values, combined"),
    "model": N_("model chosen"),
    "criterion": N_("information criterion"),
    "models": N_("models compared"),
    "chain_medians": N_("median of the total in each chain"),
    "median_spread_sd": N_("spread of the chains' medians, in posterior standard deviations"),
    "median_spread_share": N_("spread of the chains' medians, as a share of the median"),
    "median_spread_p": N_("p-value that Monte Carlo error alone explains that spread"),
    "chains_apart": N_("chains apart (their medians differ beyond Monte Carlo error)"),
    "chains_agree": N_("chains agree (their medians within the set spread)"),
}
# Whole labels, one per type, so that each can be translated as it stands.
EVENT_LABELS = {
    "killed": N_("killed"),
    "died_in_custody": N_("died in custody"),
    "disappeared": N_("disappeared"),
    "detained": N_("detained"),
    "tortured": N_("tortured"),
    "injured": N_("injured"),
}
HEADLINES = {
    "killed": N_("estimated true toll: persons killed"),
    "died_in_custody": N_("estimated persons who died in custody"),
    "disappeared": N_("estimated persons disappeared"),
    "detained": N_("estimated persons detained"),
    "tortured": N_("estimated persons tortured"),
    "injured": N_("estimated persons injured"),
    None: N_("estimated total, every event type together"),
}


def _interval(row: dict[str, Any], talk: Speaker) -> str:
    return f"{_fmt(row.get('lower'), talk)} – {_fmt(row.get('upper'), talk)}"


def _choice(row: dict[str, Any], talk: Speaker) -> str:
    """A row's choice in the reader's words: a list left out is named in a sentence,
    methods, K, priors and model names stay as statisticians write them."""
    if row.get("analysis") == "leave one list out" and row.get("dropped"):
        return talk.gettext("without %(list)s") % {"list": row["dropped"]}
    return str(row.get("label", ""))


def sensitivity_view(sensitivity: dict[str, Any] | None, talk: Speaker) -> dict[str, Any] | None:
    """The sensitivity table of a run as the report shows it: rows with translated
    labels, whether each interval overlaps the headline's, and one translated warning per
    row that does not."""
    if not sensitivity:
        return None
    head = sensitivity.get("headline") or {}
    rows: list[dict[str, Any]] = []
    warnings: list[str] = []
    for row in sensitivity.get("rows", []):
        analysis = talk.gettext(ANALYSES.get(row.get("analysis", ""), row.get("analysis", "")))
        if "error" in row:
            rows.append({"analysis": analysis, "choice": _choice(row, talk), "failed": True})
            continue
        overlaps = not (row["upper"] < head["lower"] or row["lower"] > head["upper"])
        rows.append(
            {
                "analysis": analysis,
                "choice": _choice(row, talk),
                "headline": bool(row.get("headline")),
                "estimate": _fmt(row["estimate"], talk),
                "interval": _interval(row, talk),
                "overlaps": overlaps,
                "failed": False,
            }
        )
        if not overlaps:
            warnings.append(
                talk.gettext(
                    "%(analysis)s, %(choice)s: %(estimate)s (%(interval)s) does not overlap "
                    "the headline interval (%(headline)s): the estimate depends on this "
                    "choice, and a report should say so."
                )
                % {
                    "analysis": analysis,
                    "choice": _choice(row, talk),
                    "estimate": _fmt(row["estimate"], talk),
                    "interval": _interval(row, talk),
                    "headline": _interval(head, talk),
                }
            )
    low, high = sensitivity.get("range") or (None, None)
    return {
        "method": head.get("method", ""),
        "rows": rows,
        "warnings": warnings,
        "range": talk.gettext("The estimates range from %(low)s to %(high)s.")
        % {"low": _fmt(low, talk), "high": _fmt(high, talk)},
    }


def _p_value(value: float, talk: Speaker) -> str:
    """The p-value as a formula (p = 0.012, or p < 0.001), the same in every language but
    for the number's own formatting."""
    if value < 0.001:
        return f"p < {talk.number(0.001, 3)}"
    return f"p = {talk.number(value, 3)}"


def _percent(value: float, talk: Speaker) -> str:
    return talk.number(100.0 * value, 1)


def check_verdicts(est: dict[str, Any] | None, talk: Speaker) -> list[str]:
    """The posterior predictive check's and the list-dependence check's verdicts, as
    sentences (none when the run has neither)."""
    diagnostics = (est or {}).get("diagnostics") or {}
    out: list[str] = []
    ppc = diagnostics.get("predictive_check")
    if isinstance(ppc, dict) and ppc.get("p_value") is not None:
        low, high = ppc.get("one_list_share_replicates") or (0.0, 0.0)
        values = {
            "p": _p_value(ppc["p_value"], talk),
            "share": _percent(ppc.get("one_list_share", 0.0), talk),
            "low": _percent(low, talk),
            "high": _percent(high, talk),
        }
        text = (
            N_(
                "The posterior predictive check flags the model: it does not reproduce the "
                "observed capture patterns (%(p)s) or the share of persons on one list "
                "only (%(share)s%% observed, %(low)s%% – %(high)s%% in its replicates). The "
                "interval rests on a model the data do not support."
            )
            if ppc.get("flagged")
            else N_(
                "The posterior predictive check passes: the model reproduces the observed "
                "capture patterns (%(p)s) and the share of persons on one list only "
                "(%(share)s%% observed, %(low)s%% – %(high)s%% in its replicates). No flag is "
                "no guarantee: persons whom no list reaches leave no trace in the overlaps."
            )
        )
        out.append(talk.gettext(text) % values)
    dep = diagnostics.get("dependence_check")
    if isinstance(dep, dict):
        if not dep.get("tested"):
            out.append(
                talk.gettext(
                    "Too few persons are on more than one list to test whether lists depend "
                    "on each other."
                )
            )
        elif dep.get("flagged"):
            out.append(
                talk.gettext(
                    "Some lists depend on each other beyond unequal visibility "
                    "(likelihood-ratio test, %(p)s; most of all %(pairs)s). LCMCR can "
                    "reproduce such overlaps and still miss the undocumented: its interval "
                    "may be too narrow. Compare dga and the log-linear models with "
                    "interactions in the sensitivity table."
                )
                % {
                    "p": _p_value(dep["p_value"], talk),
                    "pairs": ", ".join(dep.get("pairs_named", [])),
                }
            )
        else:
            out.append(
                talk.gettext(
                    "No dependence between lists beyond unequal visibility was found "
                    "(likelihood-ratio test, %(p)s)."
                )
                % {"p": _p_value(dep["p_value"], talk)}
            )
    return out


def _shown_runs(data: ReportData) -> list[tuple[str | None, dict[str, Any]]]:
    """The report's run first, then the latest run of each other event type."""
    runs: list[tuple[str | None, dict[str, Any]]] = []
    if data.estimate is not None:
        runs.append((data.run.event_type if data.run else None, data.estimate))
    for kind, result in data.by_event_type.items():
        if result.get("folder") != data.estimate_run and (
            data.run is None or kind != data.run.event_type
        ):
            runs.append((kind, result))
    return runs


def robustness_views(data: ReportData, talk: Speaker) -> list[dict[str, Any]]:
    """Per event type estimated: its sensitivity table and the checks' verdicts."""
    views = []
    for kind, result in _shown_runs(data):
        views.append(
            {
                "event": talk.gettext(EVENT_LABELS[kind]) if kind in EVENT_LABELS else "",
                "folder": result.get("folder") or data.estimate_run,
                "sensitivity": sensitivity_view(result.get("sensitivity"), talk),
                "verdicts": check_verdicts(result, talk),
            }
        )
    return views


def robustness_json(data: ReportData) -> dict[str, Any]:
    """The same per event type for ``qantar report --format json``: the sensitivity table
    and both checks as the estimate run saved them."""
    out: dict[str, Any] = {}
    for kind, result in _shown_runs(data):
        diagnostics = result.get("diagnostics") or {}
        out[kind or "all"] = {
            "run": result.get("folder") or data.estimate_run,
            "sensitivity": result.get("sensitivity"),
            "predictive_check": diagnostics.get("predictive_check"),
            "dependence_check": diagnostics.get("dependence_check"),
        }
    return jsonable(out)


@dataclass(frozen=True)
class ReportResult:
    html: Path
    pdf: Path | None
    plots: tuple[Path, ...]

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "html": str(self.html),
                "pdf": str(self.pdf) if self.pdf else None,
                "plots": [str(p) for p in self.plots],
            }
        )


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def _fmt(value: Any, talk: Speaker | None = None) -> str:
    """A number grouped the reader's way: whole above 10, two decimals at most below."""
    talk = talk or speaker("en")
    if isinstance(value, bool):
        return talk.gettext(N_("yes") if value else N_("no"))
    if not isinstance(value, int | float | None):
        return str(value)
    if isinstance(value, float) and abs(value) < 10:
        return talk.number(value, 2)
    return talk.number(value)


def _all_warnings(data: ReportData, talk: Speaker | None = None) -> list[str]:
    """Every warning of the report in ``talk``'s language: the report's own, the shown
    run's, its other methods' and its strata's (a stratum by its place's name)."""
    talk = talk or speaker("en")
    notes: list[str] = list(data.warnings)
    if data.estimate is not None:
        notes += list(data.estimate.get("warnings", []))
        for other in data.estimate.get("methods", []):
            notes += [of_method(other["method"], w) for w in other.get("warnings", [])]
    strata = data.strata_estimate or {}
    for name, part in strata.get("strata", {}).items():
        notes += [in_stratum(name, w) for w in part.get("warnings", [])]
    return list(dict.fromkeys(_in_words(note, data, talk) for note in notes))


def _in_words(text: str, data: ReportData, talk: Speaker) -> str:
    """A warning in ``talk``'s language; a stratum named in it by its place's name."""

    def label(code: str) -> str:
        if code == POOLED:
            return talk.gettext(POOLED)
        return stratum_label(code, data.places, talk.lang)

    return str(say(strata_named(text, label), talk.gettext))


def diagnostic_rows(
    est: dict[str, Any] | None, talk: Speaker | None = None
) -> list[tuple[str, str]]:
    """The diagnostics as words and formatted values: lists joined, nested tables (the
    imputation's spread, shown in its own table) left out."""
    talk = talk or speaker("en")
    rows: list[tuple[str, str]] = []
    for key, value in ((est or {}).get("diagnostics") or {}).items():
        if isinstance(value, dict):
            continue
        joined = isinstance(value, list | tuple)
        text = ", ".join(str(v) for v in value) if joined else _fmt(value, talk)
        word = talk.gettext(DIAGNOSTIC_WORDS[key]) if key in DIAGNOSTIC_WORDS else key
        rows.append((word % {"limit": RHAT_LIMIT} if key == "rhat" else word, text))
    return rows


def imputation_rows(est: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Per stratum, how far imputing missing values moved it between imputations."""
    info = ((est or {}).get("diagnostics") or {}).get("imputation") or {}
    return [{"stratum": name, **values} for name, values in (info.get("strata") or {}).items()]


def render_html(data: ReportData, images: dict[str, str], *, lang: str = "en") -> str:
    """The report as one HTML string in ``lang``; ``images`` maps plot names to base64 PNG."""
    est = data.estimate
    talk = speaker(lang)
    method = METHODS.get(str(est["method"]) if est else "")
    headline = HEADLINES.get(data.run.event_type if data.run else "killed")
    return (
        localised("publish", lang)
        .get_template("report.html.j2")
        .render(
            d=data,
            title=report_title(data, talk),
            kind=talk.kind,
            est=est,
            images=images,
            sections=[(key, talk.gettext(name)) for key, name in SECTIONS],
            fmt=lambda value: _fmt(value, talk),
            method_text=talk.gettext(method) if method else "",
            assumptions=[_assumption(a, talk, data.case_title) for a in ASSUMPTIONS],
            warnings=_all_warnings(data, talk),
            stratum_label=lambda name: stratum_label(name, data.places, lang),
            place=lambda name: place_in(name, lang, data.places),
            diagnostics=diagnostic_rows(est, talk),
            imputation=imputation_rows(data.strata_estimate),
            event_labels={k: talk.gettext(v) for k, v in EVENT_LABELS.items()},
            robustness=robustness_views(data, talk),
            headline=talk.gettext(headline) if headline else "",
        )
    )


def render_report(
    data: ReportData,
    out: str | os.PathLike[str],
    *,
    pdf: str | os.PathLike[str] | None = None,
    lang: str = "en",
) -> ReportResult:
    """Write the HTML report in ``lang`` (kk, ru or en) to ``out``, each plot as PNG and SVG
    beside it (``<stem>-<plot>.png|svg``) and, if asked, a PDF rendered by WeasyPrint."""
    html_path = Path(out)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    images: dict[str, str] = {}
    written: list[Path] = []
    for name, fig in all_plots(data, lang).items():
        png = _png(fig)
        images[name] = base64.b64encode(png).decode("ascii")
        stem = html_path.parent / f"{html_path.stem}-{name}"
        stem.with_suffix(".png").write_bytes(png)
        fig.savefig(stem.with_suffix(".svg"), format="svg", bbox_inches="tight")
        written += [stem.with_suffix(".png"), stem.with_suffix(".svg")]
        plt.close(fig)
    html = render_html(data, images, lang=lang)
    html_path.write_text(html, encoding="utf-8")
    pdf_path = None
    if pdf is not None:
        pdf_path = Path(pdf)
        write_pdf(html, pdf_path)
    return ReportResult(html_path, pdf_path, tuple(written))


def write_pdf(html: str, path: Path) -> None:
    try:
        from weasyprint import HTML
    except ImportError as exc:  # pragma: no cover - the [pdf] extra is not installed
        raise QantarError(N_("PDF needs WeasyPrint: pip install 'qantar[pdf]'")) from exc
    path.parent.mkdir(parents=True, exist_ok=True)
    # Everything is inline (data: URIs), so WeasyPrint has nothing to fetch.
    HTML(string=html).write_pdf(path)
