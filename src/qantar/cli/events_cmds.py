"""`qantar events`: persons per event type, conflicts between lists, decisions on them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from qantar.cli._common import OutputFormat, console, only_formats, open_project, print_json
from qantar.cli._language import _, ngettext
from qantar.errors import InputError
from qantar.i18n import N_

app = typer.Typer()  # this area's commands; qantar.cli adds them to the root


@app.command(
    "events",
    help=_("Documented persons per event type; with --conflicts, those awaiting a decision."),
)
def events(
    conflicts: Annotated[
        bool,
        typer.Option(
            "--conflicts",
            help=_("List persons whose lists name outcomes that exclude each other."),
        ),
    ] = False,
    decide: Annotated[
        str | None,
        typer.Option(help=_("Person id to decide for (with --type and --by).")),
    ] = None,
    event_type: Annotated[
        list[str] | None,
        typer.Option(
            "--type",
            help=_(
                "An event type that holds for the person (repeatable: detained and "
                "killed may both be true)."
            ),
        ),
    ] = None,
    by: Annotated[str | None, typer.Option(help=_("Who decided (recorded)."))] = None,
    note: Annotated[str | None, typer.Option(help=_("Why (recorded)."))] = None,
    output_format: OutputFormat = "text",
) -> None:
    from qantar.link import decide_event_types, event_conflicts, event_summary

    only_formats(output_format, "text", "json")
    project = open_project()
    if decide is not None:
        if by is None:
            raise InputError(N_("say who decided: --by NAME"))
        decision = decide_event_types(project, decide, event_type or [], by=by, note=note)
        if output_format == "text":
            console.print(
                ngettext(
                    "recorded: %(person)s is %(types)s (%(n)s record), decided by %(by)s",
                    "recorded: %(person)s is %(types)s (%(n)s records), decided by %(by)s",
                    len(decision.record_keys),
                )
                % {
                    "person": decide,
                    "types": ", ".join(decision.event_types),
                    "n": len(decision.record_keys),
                    "by": decision.decided_by,
                },
                markup=False,
            )
        else:
            print_json(
                {
                    "person_id": decide,
                    "event_types": list(decision.event_types),
                    "record_keys": list(decision.record_keys),
                    "decided_by": decision.decided_by,
                }
            )
        return
    if conflicts:
        found = event_conflicts(project)
        if output_format == "json":
            print_json(
                [
                    {
                        "person_id": p.person_id,
                        "conflicts": [list(c) for c in p.conflicts],
                        "records": [
                            {
                                "record_key": r.record_key,
                                "source": r.source,
                                "stated": r.stated,
                                "counts_as": list(r.types),
                            }
                            for r in p.records
                        ],
                    }
                    for p in found
                ]
            )
            return
        table = Table(
            title=ngettext(
                "Event types in conflict: %(n)s person",
                "Event types in conflict: %(n)s persons",
                len(found),
            )
            % {"n": len(found)}
        )
        for column in (_("person"), _("conflict"), _("source"), _("record"), _("says")):
            table.add_column(column)
        for p in found:
            for k, r in enumerate(p.records):
                table.add_row(
                    p.person_id if k == 0 else "",
                    "; ".join(" vs ".join(c) for c in p.conflicts) if k == 0 else "",
                    r.source,
                    r.record_key,
                    ", ".join(r.types) or "-",
                )
        console.print(table)
        if found:
            console.print(
                _("decide with: qantar events --decide PERSON --type TYPE --by NAME"),
                markup=False,
            )
        return
    summary = event_summary(project)
    if output_format == "json":
        print_json(summary.to_dict())
        return
    table = Table(
        title=ngettext(
            "Documented persons per event type (%(n)s person)",
            "Documented persons per event type (%(n)s persons)",
            summary.persons,
        )
        % {"n": summary.persons}
    )
    table.add_column(_("event type"))
    table.add_column(_("persons"), justify="right")
    for name, n in summary.by_type.items():
        table.add_row(name, f"{n:,}")
    table.add_row(_("none stated"), f"{summary.untyped:,}")
    console.print(table)
    console.print(
        _(
            "deaths (killed or died in custody): %(deaths)s; conflicts awaiting a decision: "
            "%(conflicts)s"
        )
        % {"deaths": f"{summary.deaths:,}", "conflicts": f"{summary.conflicts:,}"},
        markup=False,
    )
