"""`qantar link`, `qantar review` and `qantar export persons`."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from qantar.cli._common import OutputFormat, console, only_formats, open_project, print_json
from qantar.cli._language import _
from qantar.errors import InputError, QantarError
from qantar.i18n import N_
from qantar.model import Decision
from qantar.notes import load_notes, say

app = typer.Typer()  # this area's commands; qantar.cli adds them to the root


def _print_result(data: dict[str, Any], *, verbose: bool = False) -> None:
    console.print(
        _(
            "records %(records)s in %(sources)s sources · candidate pairs %(pairs)s · persons "
            "%(persons)s · pairs awaiting review %(review)s"
        )
        % {
            "records": data["records"],
            "sources": len(data["sources"]),
            "pairs": data["candidate_pairs"],
            "persons": data["persons"],
            "review": data["awaiting_review"],
        }
    )
    if data.get("pairs_per_rule") and verbose:
        rules = Table(
            _("blocking rule"), _("new candidate pairs"), title=_("candidate pairs per rule")
        )
        for r in data["pairs_per_rule"]:
            rules.add_row(r["rule"], str(r["new_pairs"]))
        console.print(rules)
    facts = [
        _("threshold %(n)s") % {"n": data["threshold"]},
        _("linked pairs %(n)s") % {"n": data["linked_pairs"]},
        _("weak clusters %(n)s") % {"n": data["weak_clusters"]},
        _("decisions applied %(n)s") % {"n": data["decisions_applied"]},
    ]
    if data["cut_edges"]:
        facts.append(_("chain links cut for non-matches %(n)s") % {"n": data["cut_edges"]})
    facts.append(
        _("links held apart (linkage and repeat rules) %(n)s") % {"n": data.get("held_apart", 0)}
    )
    console.print(" · ".join(facts))
    if data.get("review_check"):
        rc = data["review_check"]
        console.print(
            _("reviewed pairs: the model agrees with %(agree)s of the %(scored)s it scored")
            % {"agree": rc["agree"], "scored": rc["scored"]}
        )
    if data.get("blocking_recall") is not None:
        named = data.get("blocking_recall_named")
        recall = f"{data['blocking_recall']:.4f}"
        console.print(
            _("blocking recall of true pairs %(recall)s") % {"recall": recall}
            if named is None
            else _(
                "blocking recall of true pairs %(recall)s (%(named)s among pairs of named records)"
            )
            % {"recall": recall, "named": f"{named:.4f}"}
        )
    if data.get("truth"):
        t = data["truth"]
        console.print(
            _(
                "against truth: precision %(precision)s recall %(recall)s F1 %(f1)s · persons "
                "%(persons)s (true %(true)s) · exact clusters %(exact)s · B-cubed P %(bp)s R %(br)s"
            )
            % {
                "precision": f"{t['precision']:.4f}",
                "recall": f"{t['recall']:.4f}",
                "f1": f"{t['f1']:.4f}",
                "persons": t["predicted_persons"],
                "true": t["true_persons"],
                "exact": f"{t['exact_clusters']:.3f}",
                "bp": f"{t['bcubed_precision']:.3f}",
                "br": f"{t['bcubed_recall']:.3f}",
            }
        )
    for w in load_notes(data.get("warnings", []), data.get("warning_words")):
        console.print(_("warning: %(warning)s") % {"warning": say(w, _)}, markup=False)


@app.command(
    "link",
    help=_("Link every record into persons (deduplicate within and link across sources)."),
)
def link(
    seed: Annotated[int, typer.Option(help=_("Seed of every random step."))] = 42,
    threshold: Annotated[
        float | None,
        typer.Option(help=_("Match probability to merge (default from qantar.toml).")),
    ] = None,
    fmt: OutputFormat = "text",
    charts: Annotated[
        Path | None,
        typer.Option(
            help=_("Write the model's charts (HTML, works offline, no names) to this folder.")
        ),
    ] = None,
    truth: Annotated[
        Path | None,
        typer.Option(help=_("CSV with source, record_id, person_id: print accuracy.")),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help=_("Also list the candidate pairs per blocking rule.")),
    ] = False,
) -> None:
    from qantar.link import run

    only_formats(fmt, "text", "json")
    project = open_project()
    if fmt == "json":
        result = run(project, seed=seed, threshold=threshold, truth=truth, charts=charts)
        print_json(result.to_dict())
        return
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
        console=console, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("linking", total=None)
        result = run(
            project,
            seed=seed,
            threshold=threshold,
            truth=truth,
            charts=charts,
            progress=lambda msg: bar.update(task, description=msg),
        )
    _print_result(result.to_dict(), verbose=verbose)
    if charts is not None:
        console.print(_("charts written to %(folder)s") % {"folder": charts})


@app.command(
    "review",
    help=_("Review uncertain pairs: match / non-match / unsure / skip; decisions survive re-runs."),
)
def review(
    reviewer: Annotated[
        str | None, typer.Option(help=_("Your name, stored with every decision."))
    ] = None,
    limit: Annotated[int, typer.Option(help=_("At most this many pairs."))] = 50,
    export: Annotated[
        Path | None, typer.Option("--export", help=_("Write the queue to an .xlsx file."))
    ] = None,
    apply: Annotated[
        Path | None, typer.Option("--apply", help=_("Store the decisions filled in an .xlsx."))
    ] = None,
    list_only: Annotated[
        bool, typer.Option("--list", help=_("Print the queue without asking."))
    ] = False,
    fmt: OutputFormat = "text",
) -> None:
    from qantar.link import apply_xlsx, export_xlsx, queue, recluster

    only_formats(fmt, "text", "json")
    if export is not None and apply is not None:
        raise InputError(N_("use --export or --apply, not both"))
    project = open_project()
    if export is not None:
        n = export_xlsx(project, export, limit=limit)
        if fmt == "json":
            print_json({"exported": n, "file": str(export)})
        else:
            console.print(_("%(n)s pairs written to %(file)s") % {"n": n, "file": export})
        return
    if apply is not None:
        counts = apply_xlsx(project, apply, reviewer=reviewer)
        result = recluster(project)
        if fmt == "json":
            print_json({"applied": counts, "persons": result.persons})
        else:
            console.print(
                _("stored: %(counts)s · persons now %(persons)s")
                % {
                    "counts": ", ".join(f"{k} {v}" for k, v in sorted(counts.items())),
                    "persons": result.persons,
                }
            )
        return
    items = queue(project, limit=limit)
    if list_only or fmt == "json" or (not sys.stdin.isatty() and not items):
        _print_queue(project, items, fmt)
        return
    if not items:
        console.print(_("nothing to review: no uncertain pairs left"))
        return
    who = reviewer or typer.prompt(_("Reviewer name"), default=getpass.getuser())
    decided = _interactive(project, items, who)
    if decided:
        result = recluster(project)
        console.print(
            _("%(n)s decisions stored · persons now %(persons)s")
            % {"n": decided, "persons": result.persons}
        )


export_app = typer.Typer(help=_("Write results for other tools."), no_args_is_help=True)


@export_app.command(
    "persons",
    help=_("One row per record: person_id, source, record_id and the person's canonical fields."),
)
def export_persons(
    fmt: OutputFormat = "csv",
    out: Annotated[Path | None, typer.Option(help=_("File to write (default: stdout)."))] = None,
) -> None:
    from qantar.link import person_table, persons_csv

    only_formats(fmt, "csv", "json")
    project = open_project()
    if fmt == "json":
        import json

        text = json.dumps(person_table(project), ensure_ascii=False, indent=1, default=str)
    else:
        text = persons_csv(project)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(_("written %(file)s") % {"file": out})


app.add_typer(export_app, name="export")


def _names(details: dict[str, Any]) -> str:
    """A record's name as its list wrote it: one name field, or the parts in order."""
    written = details["written"]
    if written.get("name_raw"):
        return str(written["name_raw"])
    parts = (written.get(k) for k in ("surname_raw", "given_raw", "patronymic_raw"))
    return " ".join(str(p) for p in parts if p)


def _print_queue(project: Any, items: list[Any], fmt: str) -> None:
    """The queue without asking: one row per pair, each record by source, row and names."""
    from qantar.link import record_details

    details = record_details(project, [i for it in items for i in (it.record_id_l, it.record_id_r)])
    data = []
    for it in items:
        a, b = details[it.record_id_l], details[it.record_id_r]
        data.append(
            {
                "record_key_a": it.record_key_l,
                "record_key_b": it.record_key_r,
                "source_a": a["source"],
                "row_a": a["row"],
                "names_a": _names(a),
                "source_b": b["source"],
                "row_b": b["row"],
                "names_b": _names(b),
                "match_probability": round(it.match_probability, 4),
                "priority": round(it.priority, 4),
                "linked_now": it.linked,
                "close_call": it.near,
                "comparisons": it.explain,
            }
        )
    if fmt == "json":
        print_json(data)
        return
    if not data:
        console.print(_("nothing to review: no uncertain pairs left"))
        return
    table = Table(
        "#", _("match probability"), _("now"), _("source"), _("row"), _("names"), _("source"),
        _("row"), _("names"),
        title=_("%(n)s pairs to review, most consequential first") % {"n": len(data)},
    )  # fmt: skip
    for n, d in enumerate(data, start=1):
        # Text cells: a name or source with [brackets] is shown as written, not as markup.
        table.add_row(
            str(n),
            f"{d['match_probability']:.3f}",
            _("same person") if d["linked_now"] else _("two persons"),
            *(
                Text(str(d[key]))
                for key in ("source_a", "row_a", "names_a", "source_b", "row_b", "names_b")
            ),
        )
    console.print(table)
    console.print(_("decide them with `qantar review` (or --export to a spreadsheet)"))


def _show_pair(project: Any, item: Any, position: int, total: int) -> None:
    from qantar.link import record_details

    details = record_details(project, [item.record_id_l, item.record_id_r])
    a, b = details[item.record_id_l], details[item.record_id_r]
    table = Table(
        "",
        f"{a['source']} #{a['record_id']}",
        f"{b['source']} #{b['record_id']}",
        title=(
            _("pair %(n)s/%(total)s · match probability %(p)s · now the same person")
            if item.linked
            else _("pair %(n)s/%(total)s · match probability %(p)s · now different persons")
        )
        % {"n": position, "total": total, "p": f"{item.match_probability:.3f}"},
    )
    for section, key in ((_("as written"), "written"), (_("normalised"), "normalised")):
        table.add_row(f"[bold]{section}[/bold]", "", "")
        for field in sorted(set(a[key]) | set(b[key])):
            table.add_row(field, str(a[key].get(field, "")), str(b[key].get(field, "")))
    console.print(table)
    weights = Table(_("comparison"), _("level"), _("match weight"), title=_("why"))
    for name, (label, weight) in item.explain.items():
        weights.add_row(name, label, f"{weight:+.2f}")
    console.print(weights)


def _interactive(project: Any, items: list[Any], reviewer: str) -> int:
    from qantar.link import decide

    choices = {"m": Decision.MATCH, "n": Decision.NON_MATCH, "u": Decision.UNSURE}
    decided = 0
    for position, item in enumerate(items, start=1):
        _show_pair(project, item, position, len(items))
        while True:
            answer = typer.prompt(
                _("[m]atch / [n]on-match / [u]nsure / [s]kip / [q]uit (text after a space = note)"),
                default="s",
                show_default=False,
            ).strip()
            key, _space, note = answer.partition(" ")
            key = key.lower()
            if key in choices:
                decide(project, item, choices[key], reviewer=reviewer, note=note or None)
                decided += 1
                break
            if key in ("s", ""):
                break
            if key == "q":
                return decided
            console.print(_("please answer m, n, u, s or q"))
    return decided


__all__ = ["QantarError", "app"]
