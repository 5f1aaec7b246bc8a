"""`qantar synth OUTDIR` (a whole scenario) and `qantar synth histories OUT.csv`."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from qantar.cli._common import OutputFormat, console, only_formats, print_json
from qantar.cli._language import _
from qantar.errors import InputError
from qantar.i18n import N_

app = typer.Typer()  # this area's commands; qantar.cli adds them to the root


class _ScenarioByDefault(TyperGroup):
    """`qantar synth OUTDIR` means `qantar synth scenario OUTDIR`; subcommands stay reachable."""

    # ctx is click's Context (vendored by Typer as typer._click): typed loosely on purpose.
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["scenario", *args]
        return super().parse_args(ctx, args)


synth_app = typer.Typer(
    cls=_ScenarioByDefault,
    help=_("Synthetic scenarios with known truth, for the demo, tests and benchmarks."),
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _parse_strata(text: str | None) -> dict[str, float] | None:
    """``almaty=0.6,regions=0.4`` → {"almaty": 0.6, "regions": 0.4}."""
    if not text:
        return None
    out: dict[str, float] = {}
    for part in text.split(","):
        label, sep, value = part.partition("=")
        try:
            out[label.strip()] = float(value) if sep else 1.0
        except ValueError:
            raise InputError(
                N_("--strata %(part)s: write label=share, e.g. almaty=0.6"), part=repr(part)
            ) from None
    return out


def _list_names(n_lists: int) -> tuple[str, ...]:
    from qantar.synth import DEFAULT_LISTS

    if not 1 <= n_lists <= len(DEFAULT_LISTS):
        raise InputError(N_("--lists must be between 1 and %(n)s"), n=len(DEFAULT_LISTS))
    return DEFAULT_LISTS[:n_lists]


@synth_app.command(
    "scenario",
    help=_(
        "Write a scenario: list files, truth.csv, histories.csv, population.csv, scenario.json."
    ),
)
def scenario(
    outdir: Annotated[Path, typer.Argument(help=_("Folder for the list files and the truth."))],
    n: Annotated[int, typer.Option("--n", help=_("Persons killed (the true N)."))] = 1000,
    seed: Annotated[int, typer.Option(help=_("Seed: the same seed gives the same bytes."))] = 7,
    lists: Annotated[
        int, typer.Option(help=_("How many lists: official, ngo, press, hotline, morgue."))
    ] = 5,
    fmt: Annotated[
        str,
        typer.Option("--file-format", help=_("csv, xlsx or csv,xlsx (each list its usual one).")),
    ] = "csv,xlsx",
    detainees: Annotated[int, typer.Option(help=_("Detained persons to add."))] = 0,
    heterogeneity: Annotated[
        float, typer.Option(help=_("SD of latent visibility (logit scale); 0 = none."))
    ] = 1.0,
    dependence: Annotated[
        float, typer.Option(help=_("SD of the latent shared by ngo+hotline and official+morgue."))
    ] = 1.0,
    corruption: Annotated[
        float, typer.Option(help=_("Scale of every record-level slip rate (0 = clean)."))
    ] = 1.0,
    duplicates: Annotated[
        float, typer.Option(help=_("Scale of within-list duplicate rates (0 = none)."))
    ] = 1.0,
    output: OutputFormat = "text",
) -> None:
    only_formats(output, "text", "json")
    from qantar.synth import Corruption, ScenarioConfig, generate, steps, write_scenario

    try:
        config = ScenarioConfig(
            n=n,
            lists=_list_names(lists),
            detainees=detainees,
            heterogeneity=heterogeneity,
            dependence=dependence,
            duplicates=duplicates,
            corruption=Corruption(scale=corruption),
        )
    except ValueError as exc:
        raise InputError(str(exc)) from None
    from rich.progress import Progress

    from qantar.synth import FORMATS

    formats = [f.strip().lower() for f in fmt.split(",") if f.strip()]
    if not formats or any(f not in FORMATS for f in formats):
        raise InputError(
            N_("--file-format %(format)s: use csv, xlsx or csv,xlsx"), format=repr(fmt)
        )

    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(_("generating"), total=steps(config) + len(config.lists))

        def advance(stage: str) -> None:
            progress.update(task, advance=1, description=stage)

        sc = generate(config, seed=seed, on_step=advance)
        paths = write_scenario(sc, outdir, formats=formats, on_step=advance)
    meta = json.loads(paths["scenario"].read_text(encoding="utf-8"))
    if output == "json":
        print_json({"outdir": str(outdir), **{k: meta[k] for k in ("N", "seed", "lists")},
                    "observed_killed": meta["observed_killed"],
                    "files": {k: str(v) for k, v in paths.items()}})  # fmt: skip
        return
    console.print(
        _(
            "scenario in %(folder)s: N = %(n)s killed, %(observed)s on at least one list "
            "(seed %(seed)s)"
        )
        % {"folder": outdir, "n": meta["N"], "observed": meta["observed_killed"], "seed": seed}
    )
    for info in meta["lists"].values():
        console.print(
            f"  {info['file']:<14} "
            + _("%(records)s records of %(persons)s persons")
            % {"records": f"{info['records']:>6}", "persons": f"{info['persons']:>6}"}
        )


@synth_app.command(
    "histories",
    help=_("Capture histories alone (no names), for estimator studies; the truth goes to stdout."),
)
def histories(
    out: Annotated[Path, typer.Argument(help=_("CSV to write: one column per list, then count."))],
    n: Annotated[int, typer.Option("--n", help=_("True number of persons."))] = 1000,
    lists: Annotated[int, typer.Option(help=_("Number of lists."))] = 4,
    heterogeneity: Annotated[float, typer.Option(help=_("SD of latent visibility."))] = 1.0,
    dependence: Annotated[float, typer.Option(help=_("SD of the latent of lists 1 and 2."))] = 0.0,
    strata: Annotated[
        str | None, typer.Option(help=_("Strata and shares, e.g. almaty=0.6,regions=0.4."))
    ] = None,
    stratum_capture: Annotated[
        str | None, typer.Option(help=_("Logit shift per stratum, e.g. regions=-1."))
    ] = None,
    seed: Annotated[int, typer.Option(help=_("Seed."))] = 7,
    output: OutputFormat = "text",
) -> None:
    only_formats(output, "text", "json")
    from qantar.synth import simulate_histories

    try:
        sim = simulate_histories(
            n,
            lists,
            heterogeneity=heterogeneity,
            dependence=dependence,
            strata=_parse_strata(strata),
            stratum_capture=_parse_strata(stratum_capture),
            seed=seed,
        )
    except ValueError as exc:
        raise InputError(str(exc)) from None
    h = sim.histories
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([*(["stratum"] if h.strata else []), *h.lists, "count"])
        for k in range(len(h.counts)):
            prefix = [h.strata[k]] if h.strata else []
            w.writerow([*prefix, *(int(x) for x in h.patterns[k]), int(h.counts[k])])
    result = {
        "file": str(out),
        "N": sim.n,
        "observed": sim.observed,
        "n_by_stratum": sim.n_by_stratum,
        "seed": seed,
        "settings": sim.settings,
    }
    if output == "json":
        print_json(result)
    else:
        console.print(
            _("%(file)s: N = %(n)s, observed %(observed)s (seed %(seed)s)")
            % {"file": out, "n": sim.n, "observed": sim.observed, "seed": seed}
        )


app.add_typer(synth_app, name="synth")
