"""`qantar report`, `qantar publish` and `qantar consent`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from qantar.cli._common import OutputFormat, console, only_formats, open_project, print_json
from qantar.cli._language import _
from qantar.errors import InputError
from qantar.i18n import N_
from qantar.notes import say

app = typer.Typer()  # this area's commands; qantar.cli adds them to the root


@app.command(
    "report",
    help=_("A self-contained HTML report: sources, linkage, the estimated toll, plots, method."),
)
def report(
    out: Annotated[Path, typer.Option(help=_("The HTML report to write."))] = Path("report.html"),
    pdf: Annotated[Path | None, typer.Option(help=_("Also write a PDF (WeasyPrint)."))] = None,
    estimate_run: Annotated[
        str | None,
        typer.Option(
            "--estimate",
            "--estimate-run",
            help=_(
                "Estimate run to report: a folder name of runs/ (default: the latest "
                "run of the killed; the report says which)."
            ),
        ),
    ] = None,
    output_format: OutputFormat = "text",
    lang: Annotated[
        str, typer.Option("--lang", help=_("Language of the report: kk, ru or en."))
    ] = "en",
) -> None:
    from qantar.publish import collect_report_data, render_report, robustness_json

    only_formats(output_format, "text", "json")
    project = open_project()
    with console.status(_("collecting and drawing..."), spinner="dots"):
        data = collect_report_data(project, estimate_run=estimate_run)
        result = render_report(data, out, pdf=pdf, lang=lang)
    est = data.estimate or {}
    headline = {k: est.get(k) for k in ("method", "observed", "estimate", "lower", "upper")}
    if output_format == "json":
        print_json(
            {
                **result.to_dict(),
                "estimate": headline if est else None,
                "estimate_run": data.estimate_run,
                "event_type": data.run.event_type if data.run else None,
                "documented_by_event_type": (data.events or {}).get("by_type"),
                "official_figure": data.official.value if data.official else None,
                # Per event type: the sensitivity table and the model checks of its run.
                "robustness": robustness_json(data),
                "warnings": data.warnings,
            }
        )
        return
    console.print(_("report: %(file)s") % {"file": result.html}, markup=False)
    if est and data.run is not None:
        console.print(
            _(
                "estimate run %(folder)s (%(how)s), event type %(kind)s: documented "
                "%(observed)s, estimated %(estimate)s (95%% interval %(lower)s-%(upper)s, "
                "%(method)s)"
            )
            % {
                "folder": data.run.folder,
                "how": data.run.chosen,
                "kind": data.run.event_type or _("all persons"),
                **headline,
            },
            markup=False,
        )
    if result.pdf:
        console.print(_("pdf: %(file)s") % {"file": result.pdf}, markup=False)
    console.print(
        _("plots: %(n)s files beside the report") % {"n": len(result.plots)}, markup=False
    )
    for warning in data.warnings:
        console.print(_("warning: %(warning)s") % {"warning": say(warning, _)}, markup=False)


@app.command(
    "publish",
    help=_("The memorial list: one offline searchable page plus CSV and JSON, under consent."),
)
def publish(
    out: Annotated[Path, typer.Option(help=_("Folder for the memorial site."))] = Path("site"),
    output_format: OutputFormat = "text",
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help=_(
                "Language of index.html: kk, ru or en (default: the first of [case] "
                "languages); every language there gets its own page."
            ),
        ),
    ] = None,
) -> None:
    from qantar.publish import publish_memorial

    only_formats(output_format, "text", "json")
    project = open_project()
    with console.status(_("writing the memorial list..."), spinner="dots"):
        result = publish_memorial(project, out, lang=lang)
    if output_format == "json":
        print_json(result.to_dict())
        return
    console.print(
        _(
            "memorial list: %(file)s — %(shown)s shown (%(initials)s by initials only), "
            "%(hidden)s not shown"
        )
        % {
            "file": result.out / "index.html",
            "shown": result.shown,
            "initials": result.initials_only,
            "hidden": result.not_shown,
        },
        markup=False,
    )
    if result.nameless:
        console.print(
            _("%(n)s persons left out: no list gives a name") % {"n": result.nameless},
            markup=False,
        )
    if result.texts_left_out:
        console.print(
            _("%(n)s texts left out: they may name a withheld person")
            % {"n": result.texts_left_out},
            markup=False,
        )


@app.command(
    "consent",
    help=_(
        "Record who decided what may be published of a person (after seeing the names the "
        "lists recorded), find a person by name, or show statuses."
    ),
)
def consent(
    person: Annotated[
        str | None, typer.Argument(help=_("Person id (as in `qantar export persons`)."))
    ] = None,
    status: Annotated[
        str | None, typer.Option(help=_("publish, initials-only or withhold."))
    ] = None,
    by: Annotated[str | None, typer.Option(help=_("Who decided (recorded)."))] = None,
    note: Annotated[str | None, typer.Option(help=_("Why (recorded; never published)."))] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help=_("Do not ask to confirm (for scripts)."))
    ] = False,
    find: Annotated[
        str | None,
        typer.Option("--find", help=_("List persons whose names match, in any script.")),
    ] = None,
    pending: Annotated[
        bool,
        typer.Option(
            "--pending", help=_("Persons whose decisions a split or merge has disturbed.")
        ),
    ] = False,
    list_all: Annotated[
        bool, typer.Option("--list", help=_("Show every person's status and its origin."))
    ] = False,
    output_format: OutputFormat = "text",
) -> None:
    from qantar.publish import (
        decide_publication,
        explain_statuses,
        find_persons,
        pending_consent,
        person_card,
    )

    only_formats(output_format, "text", "json")
    project = open_project()
    if find is not None:
        cards = find_persons(project, find)
        if output_format == "json":
            print_json([c.to_dict() for c in cards])
            return
        if not cards:
            console.print(_("no person matches"), markup=False)
            return
        for card in cards:
            _print_card(card)
        return
    if pending:
        items = pending_consent(project)
        if output_format == "json":
            print_json([p.to_dict() for p in items])
            return
        table = Table(title=_("Decisions to take again (linkage changed these persons)"))
        for column in (_("person"), _("applies now"), _("earlier decisions")):
            table.add_column(column)
        for p in items:
            earlier = "; ".join(
                _("%(status)s for %(person)s by %(by)s")
                % {"status": d.status, "person": d.person_id, "by": d.decided_by}
                for d in p.earlier
            )
            table.add_row(p.person_id, p.status, earlier)
        console.print(table)
        return
    if status is not None:
        if person is None:
            raise InputError(N_("name the person: qantar consent PERSON --status ... --by NAME"))
        if by is None:
            raise InputError(N_("say who decided: --by NAME"))
        card = person_card(project, person)
        if not yes:
            if output_format == "json":
                raise InputError(
                    N_(
                        "--format json cannot ask to confirm: check the names first "
                        "(`qantar consent PERSON`), then add --yes"
                    )
                )
            _print_card(card)
            question = _("Record '%(status)s' for %(person)s?")
            if not typer.confirm(question % {"status": status, "person": person}, default=False):
                raise InputError(N_("not confirmed: nothing recorded"))
        decide_publication(project, person, status, by=by, note=note)
    if person is not None and not list_all:
        explained = [person_card(project, person).status]
    elif list_all:
        explained = list(explain_statuses(project).values())
    else:
        raise InputError(
            N_("give a PERSON (with --status to decide), --find NAME, --pending or --list")
        )
    if output_format == "json":
        print_json([e.to_dict() for e in explained])
        return
    table = Table(title=_("Publication status"))
    for column in (_("person"), _("status"), _("from"), _("why")):
        table.add_column(column)
    for e in explained:
        table.add_row(e.person_id, e.status, e.origin, e.reason)
    console.print(table)


@app.command(
    "spelling",
    help=_(
        "The spellings of a person's name the lists recorded, and which one is published; "
        "`--use RECORD_KEY --by NAME` chooses one (default: the source closest to the "
        "family)."
    ),
)
def spelling(
    person: Annotated[str, typer.Argument(help=_("Person id."))],
    use: Annotated[
        str | None, typer.Option("--use", help=_("Record key whose spelling to publish."))
    ] = None,
    by: Annotated[str | None, typer.Option(help=_("Who chose (recorded)."))] = None,
    output_format: OutputFormat = "text",
) -> None:
    from qantar.publish import choose_spelling, person_card

    only_formats(output_format, "text", "json")
    project = open_project()
    if use is not None:
        if by is None:
            raise InputError(N_("say who chose: --by NAME"))
        card = choose_spelling(project, person, use, by=by)
    else:
        card = person_card(project, person)
    if output_format == "json":
        print_json(card.to_dict())
        return
    _print_card(card)


def _print_card(card: Any) -> None:
    """A person as the lists recorded them: every name, its source, which one is shown."""
    title = f"{card.person_id}: {card.status.status} ({card.status.origin})"
    table = Table(title=title)
    for column in (
        _("record"), _("source"), _("kind"), _("name as recorded"), _("shown"), _("list says")
    ):  # fmt: skip
        table.add_column(column, overflow="fold")
    for n in card.names:
        # Text cells: a name with brackets is not Rich markup.
        table.add_row(
            Text(n.record_key),
            Text(n.source),
            Text(n.source_kind),
            Text(n.name),
            _("yes") if n.shown else "",
            _("do not publish") if n.says_withhold else "",
        )
    console.print(table)
