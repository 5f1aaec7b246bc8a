"""`qantar estimate`: how many persons in truth, with intervals and reasons to doubt."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from qantar.cli._common import (
    OutputFormat,
    console,
    err_console,
    only_formats,
    open_project,
    print_json,
)
from qantar.cli._language import _
from qantar.errors import InputError
from qantar.i18n import N_
from qantar.notes import say

app = typer.Typer()  # this area's commands; qantar.cli adds them to the root


def _prepare(histories: Any, drop: list[str], merge: list[str]) -> Any:
    from qantar.estimate import drop_lists, merge_lists

    for spec in merge:
        names = [n.strip() for n in spec.split("+") if n.strip()]
        histories = merge_lists(histories, names)
    if drop:
        histories = drop_lists(histories, drop)
    return histories


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _print(data: dict[str, Any], folder: Path | None) -> None:
    event_type = data.get("settings", {}).get("event_type")
    lists = ", ".join(data["lists"])
    title = (
        _("Estimated total, event type %(type)s (lists: %(lists)s)")
        if event_type
        else _("Estimated total (lists: %(lists)s)")
    ) % {"type": event_type, "lists": lists}
    table = Table(title=title)
    for column in (
        _("method"),
        _("stratum"),
        _("documented"),
        _("estimate"),
        _("95%% interval") % {},
    ):
        table.add_column(column)
    for res in [data, *data.get("methods", [])]:
        table.add_row(
            res["method"],
            _("all") if res["strata"] else "",
            f"{res['observed']:,}",
            _fmt(res["estimate"]),
            f"{_fmt(res['lower'])} - {_fmt(res['upper'])}",
        )
        for name, part in res["strata"].items():
            table.add_row(
                "",
                name,
                f"{part['observed']:,}",
                _fmt(part["estimate"]),
                f"{_fmt(part['lower'])} - {_fmt(part['upper'])}",
            )
    console.print(table)
    diag = data["diagnostics"]
    if "rhat" in diag:
        console.print(
            _("chains %(chains)s, R-hat %(rhat)s, ESS bulk %(ess)s, %(draws)s draws per chain")
            % {
                "chains": diag.get("chains"),
                "rhat": f"{diag.get('rhat') or float('nan'):.3f}",
                "ess": f"{diag.get('ess_bulk') or 0:.0f}",
                "draws": f"{diag.get('draws_per_chain') or 0:,}",
            }
        )
    imputed = diag.get("imputation") or {}
    for name, moved in (imputed.get("strata") or {}).items():
        console.print(
            _(
                "imputed %(field)s, stratum %(name)s: documented %(known)s with a known value, "
                "%(low)s-%(high)s after imputation; estimate %(est_low)s-%(est_high)s across "
                "%(m)s imputations"
            )
            % {
                "field": imputed.get("field"),
                "name": name,
                "known": moved["documented_known"],
                "low": moved["documented_min"],
                "high": moved["documented_max"],
                "est_low": f"{moved['estimate_min']:,.0f}",
                "est_high": f"{moved['estimate_max']:,.0f}",
                "m": imputed.get("imputations"),
            },
            markup=False,
        )
    if "predictive_check" in diag:
        check = diag["predictive_check"]
        low, high = check["one_list_share_replicates"]
        console.print(
            _(
                "posterior predictive check: p = %(p)s, one-list share %(share)s (replicates "
                "%(low)s-%(high)s)"
            )
            % {
                "p": f"{check['p_value']:.2f}",
                "share": f"{check['one_list_share']:.1%}",
                "low": f"{low:.1%}",
                "high": f"{high:.1%}",
            }
        )
    if data.get("sensitivity"):
        _print_sensitivity(data["sensitivity"])
    from qantar.estimate import of_method, with_notes

    data = with_notes(data)
    warnings = [say(w, _) for w in data["warnings"]]
    for other in data.get("methods", []):
        warnings += [say(of_method(other["method"], w), _) for w in other["warnings"]]
    if data.get("sensitivity"):
        warnings += [
            _("sensitivity: %(warning)s") % {"warning": say(w, _)}
            for w in data["sensitivity"]["warnings"]
        ]
    for warning in dict.fromkeys(warnings):
        console.print(_("warning: %(warning)s") % {"warning": warning}, markup=False)
    if folder is not None:
        console.print(_("saved to %(folder)s") % {"folder": folder}, markup=False)


def _print_sensitivity(table_data: dict[str, Any]) -> None:
    head = table_data["headline"]
    table = Table(
        title=_("Sensitivity (headline: %(method)s, fixed in qantar.toml)")
        % {"method": head["method"]}
    )
    for column in (_("analysis"), _("choice"), _("estimate"), _("95%% interval") % {}):
        table.add_column(column)
    from qantar.estimate import analysis_words, row_label

    for row in table_data["rows"]:
        analysis = say(analysis_words(row["analysis"]), _)
        if "error" in row:
            table.add_row(analysis, row["label"], "-", say(row["error"], _))
            continue
        table.add_row(
            analysis,
            say(row_label(row), _) + (" " + _("(headline)") if row.get("headline") else ""),
            _fmt(row["estimate"]),
            f"{_fmt(row['lower'])} - {_fmt(row['upper'])}",
        )
    console.print(table)


@app.command(
    "estimate",
    help=_("Estimate the true total (documented + undocumented) by multiple systems estimation."),
)
def estimate_cmd(
    histories: Annotated[
        Path | None,
        typer.Option(
            "--histories",
            help=_(
                "CSV with one 0/1 column per list and a count column "
                "(default: the linked persons of the project)."
            ),
        ),
    ] = None,
    method: Annotated[
        str, typer.Option(help=_("lcmcr, loglinear, dga, chapman or all."))
    ] = "lcmcr",
    strata: Annotated[
        str | None, typer.Option(help=_("Column (or project field) to estimate by stratum."))
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            help=_("Seed: the same seed gives the same numbers (default: [estimate] seed, 0).")
        ),
    ] = None,
    event_type: Annotated[
        str | None,
        typer.Option(
            help=_(
                "Whom to count: killed (default), died_in_custody, detained, tortured, "
                "disappeared or injured; a list counts a person only if it said so."
            )
        ),
    ] = None,
    imputations: Annotated[
        int | None,
        typer.Option(
            help=_(
                "Imputations of missing stratum values (default 5, [estimate] "
                "imputations; 0 keeps an 'unknown' stratum)."
            )
        ),
    ] = None,
    classes: Annotated[
        int | None, typer.Option("--classes", help=_("LCMCR: latent classes K (R: 10)."))
    ] = None,
    a_alpha: Annotated[
        float | None,
        typer.Option("--a-alpha", help=_("LCMCR: shape of the Gamma prior on alpha (0.25).")),
    ] = None,
    b_alpha: Annotated[
        float | None,
        typer.Option("--b-alpha", help=_("LCMCR: rate of the Gamma prior on alpha (0.25).")),
    ] = None,
    burnin: Annotated[
        int | None, typer.Option(help=_("LCMCR: burn-in sweeps per chain (10,000)."))
    ] = None,
    draws: Annotated[
        int | None,
        typer.Option(help=_("LCMCR: draws kept per chain in the first round (1,000).")),
    ] = None,
    thinning: Annotated[
        int | None, typer.Option(help=_("LCMCR: sweeps per kept draw (100)."))
    ] = None,
    iterations: Annotated[
        int | None,
        typer.Option(help=_("LCMCR: sweeps per chain after burn-in (sets the thinning).")),
    ] = None,
    chains: Annotated[
        int | None, typer.Option(help=_("LCMCR: chains, run in parallel (4)."))
    ] = None,
    max_draws: Annotated[
        int | None,
        typer.Option(
            "--max-draws",
            help=_("LCMCR: cap on kept draws per chain while sampling until converged (20,000)."),
        ),
    ] = None,
    fixed: Annotated[
        bool,
        typer.Option(
            "--fixed",
            help=_(
                "LCMCR: keep exactly --draws per chain instead of sampling until "
                "R-hat <= 1.01 and ESS >= 1,000."
            ),
        ),
    ] = False,
    criterion: Annotated[
        str | None, typer.Option(help=_("Log-linear: AIC (default) or BIC."))
    ] = None,
    average_models: Annotated[
        bool,
        typer.Option(
            "--average-models",
            help=_(
                "Log-linear: report the average over models by their AIC/BIC weights "
                "instead of the selected model."
            ),
        ),
    ] = False,
    delta: Annotated[
        float | None,
        typer.Option(help=_("dga: prior persons per cell of the full table (1/2^lists).")),
    ] = None,
    pool_smallest: Annotated[
        bool,
        typer.Option(
            "--pool-smallest",
            help=_("dga with six or more lists: pool the smallest lists into one."),
        ),
    ] = False,
    sensitivity: Annotated[
        bool,
        typer.Option(
            "--sensitivity",
            help=_(
                "Add the sensitivity table: every method, LCMCR with K = 5, 10, 20 and "
                "two priors on alpha, each list left out, the best log-linear models."
            ),
        ),
    ] = False,
    drop: Annotated[
        list[str] | None, typer.Option("--drop", help=_("Drop a list by name (repeatable)."))
    ] = None,
    merge: Annotated[
        list[str] | None,
        typer.Option("--merge", help=_("Merge lists into one, e.g. A+B (repeatable).")),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help=_("With --histories: also write draws, result and plots here.")),
    ] = None,
    output_format: OutputFormat = "text",
) -> None:
    from qantar.estimate import estimate, read_histories_csv

    only_formats(output_format, "text", "json")
    given = {
        "n_classes": classes,
        "a_alpha": a_alpha,
        "b_alpha": b_alpha,
        "burnin": burnin,
        "samples": draws,
        "thinning": thinning,
        "iterations": iterations,
        "chains": chains,
        "max_samples": max_draws,
        "criterion": criterion,
        "delta": delta,
    }
    # Only what the user set: every default lives in the library.
    options: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    if fixed:
        options["until_converged"] = False
    if average_models:
        options["average"] = True
    if criterion is not None and criterion.upper() not in ("AIC", "BIC"):
        raise InputError(N_("--criterion is AIC or BIC"))
    options["pool_smallest"] = pool_smallest
    folder: Path | None = None
    if histories is not None:
        from qantar.estimate import skipped_methods
        from qantar.settings import DEFAULTS

        if seed is None:  # no project to read [estimate] seed from
            seed = DEFAULTS.estimate.seed
        data = _prepare(read_histories_csv(histories, stratum=strata), drop or [], merge or [])
        with err_console.status(_("estimating..."), spinner="dots"):
            result = estimate(data, method=method, strata=strata is not None, seed=seed, **options)
            if sensitivity:
                from qantar.estimate import sensitivity as sensitivity_table

                result.sensitivity = sensitivity_table(data, seed=seed, **options)
        result.warnings = skipped_methods(method, len(data.lists)) + result.warnings
        if out is not None:
            from qantar.estimate import write_run

            write_run(result, out)
            folder = out
    else:
        from qantar.estimate import estimate_project

        project = open_project()
        with err_console.status(_("estimating..."), spinner="dots"):
            result, folder = estimate_project(
                project,
                method=method,
                strata=strata,
                event_type=event_type,
                seed=seed,
                imputations=imputations,
                drop=drop or [],
                merge=merge or [],
                sensitivity=sensitivity,
                **options,
            )
    payload = result.to_dict()
    if folder is not None:
        payload["saved_to"] = str(folder)
    if output_format == "json":
        print_json(payload)
    else:
        _print(payload, folder)
