"""`qantar estimate`: how many persons in truth, with intervals and reasons to doubt."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from qantar.cli._common import console, err_console, open_project, print_json
from qantar.errors import InputError


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
        f"Estimated total, event type {event_type} (lists: {lists})"
        if event_type
        else f"Estimated total (lists: {lists})"
    )
    table = Table(title=title)
    for column in ("method", "stratum", "documented", "estimate", "95% interval"):
        table.add_column(column)
    for res in [data, *data.get("methods", [])]:
        table.add_row(
            res["method"],
            "all" if res["strata"] else "",
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
            f"chains {diag.get('chains')}, R-hat {diag.get('rhat') or float('nan'):.3f}, "
            f"ESS bulk {diag.get('ess_bulk') or 0:.0f}"
        )
    imputed = diag.get("imputation") or {}
    for name, moved in (imputed.get("strata") or {}).items():
        console.print(
            "imputed {field}, stratum {name}: documented {known} with a known value, "
            "{low}-{high} after imputation; estimate {est_low:,.0f}-{est_high:,.0f} across "
            "{m} imputations".format(
                field=imputed.get("field"),
                name=name,
                known=moved["documented_known"],
                low=moved["documented_min"],
                high=moved["documented_max"],
                est_low=moved["estimate_min"],
                est_high=moved["estimate_max"],
                m=imputed.get("imputations"),
            ),
            markup=False,
        )
    warnings = list(data["warnings"])
    for other in data.get("methods", []):
        warnings += [f"{other['method']}: {w}" for w in other["warnings"]]
    for warning in dict.fromkeys(warnings):
        console.print(f"warning: {warning}", markup=False)
    if folder is not None:
        console.print(f"saved to {folder}", markup=False)


def register(app: typer.Typer) -> None:
    @app.command("estimate")
    def estimate_cmd(
        histories: Annotated[
            Path | None,
            typer.Option(
                "--histories",
                help="CSV with one 0/1 column per list and a count column "
                "(default: the linked persons of the project).",
            ),
        ] = None,
        method: Annotated[
            str, typer.Option(help="lcmcr, loglinear, dga, chapman or all.")
        ] = "lcmcr",
        strata: Annotated[
            str | None, typer.Option(help="Column (or project field) to estimate by stratum.")
        ] = None,
        seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same numbers.")] = 0,
        event_type: Annotated[
            str | None,
            typer.Option(
                help="Whom to count: killed (default), died_in_custody, detained, tortured, "
                "disappeared or injured; a list counts a person only if it said so."
            ),
        ] = None,
        imputations: Annotated[
            int | None,
            typer.Option(
                help="Imputations of missing stratum values (default 5, [estimate] "
                "imputations; 0 keeps an 'unknown' stratum)."
            ),
        ] = None,
        iterations: Annotated[
            int, typer.Option(help="LCMCR sweeps per chain after burn-in.")
        ] = 100_000,
        chains: Annotated[int, typer.Option(help="LCMCR chains, run in parallel.")] = 4,
        drop: Annotated[
            list[str] | None, typer.Option("--drop", help="Drop a list by name (repeatable).")
        ] = None,
        merge: Annotated[
            list[str] | None,
            typer.Option("--merge", help="Merge lists into one, e.g. A+B (repeatable)."),
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option(help="With --histories: also write draws, result and plots here."),
        ] = None,
        output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    ) -> None:
        """Estimate the true total (documented + undocumented) by multiple systems estimation."""
        from qantar.estimate import estimate, estimate_project, read_histories_csv, write_run

        if output_format not in ("table", "json"):
            raise InputError("--format is table or json")
        options: dict[str, Any] = {"iterations": iterations, "chains": chains}
        if iterations < 1_000:
            options["samples"] = max(1, iterations)
            options["burnin"] = min(10_000, iterations)
        folder: Path | None = None
        if histories is not None:
            from qantar.estimate._project import skipped_methods

            data = _prepare(read_histories_csv(histories, stratum=strata), drop or [], merge or [])
            with err_console.status("estimating...", spinner="dots"):
                result = estimate(
                    data, method=method, strata=strata is not None, seed=seed, **options
                )
            result.warnings = skipped_methods(method, len(data.lists)) + result.warnings
            if out is not None:
                write_run(result, out)
                folder = out
        else:
            project = open_project()
            with err_console.status("estimating...", spinner="dots"):
                result, folder = estimate_project(
                    project,
                    method=method,
                    strata=strata,
                    event_type=event_type,
                    seed=seed,
                    imputations=imputations,
                    drop=drop or [],
                    merge=merge or [],
                    **options,
                )
        payload = result.to_dict()
        if folder is not None:
            payload["saved_to"] = str(folder)
        if output_format == "json":
            print_json(payload)
        else:
            _print(payload, folder)
