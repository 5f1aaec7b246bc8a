"""`qantar entities`, `qantar accountability`, `qantar screen` and `qantar dossier`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from qantar.cli._common import OutputFormat, console, only_formats, open_project, print_json
from qantar.cli._language import _
from qantar.errors import InputError
from qantar.i18n import N_
from qantar.notes import say

app = typer.Typer()  # this area's commands; qantar.cli adds them to the root

entities_app = typer.Typer(
    help=_("The register of officials, units, posts, relations and assets (FollowTheMoney)."),
    no_args_is_help=True,
)
acc_app = typer.Typer(
    help=_("Chain of command, responsibility links, victim publication, contrary information."),
    no_args_is_help=True,
)


def _row(table: Table, *values: str) -> None:
    """Cells as plain text: a name or URL with [brackets] is not Rich markup."""
    table.add_row(*(Text(v) for v in values))


@entities_app.command(
    "import",
    help=_("Read FtM entities into the register (an entity with a known id is replaced)."),
)
def import_cmd(
    file: Annotated[
        Path, typer.Argument(help=_("FtM JSON lines (e.g. from OpenSanctions, Aleph)."))
    ],
    fmt: OutputFormat = "text",
) -> None:
    from qantar.accountability import import_entities

    only_formats(fmt, "text", "json")
    project = open_project()
    with Progress(
        TextColumn("importing entities"), BarColumn(), TextColumn("{task.completed}"),
        console=console, transient=True, disable=fmt == "json",
    ) as progress:  # fmt: skip
        task = progress.add_task("import", total=None)
        result = import_entities(project, file, on_progress=lambda n: progress.advance(task, n))
    if fmt == "json":
        print_json(result.__dict__)
        return
    console.print(
        _("read %(read)s, stored %(stored)s (%(replaced)s replaced)")
        % {"read": result.read, "stored": result.stored, "replaced": result.replaced}
    )
    if result.cleaned:
        console.print(
            _("%(n)s value(s) changed or dropped by FtM cleaning, e.g. %(example)s")
            % {"n": len(result.cleaned), "example": result.cleaned[0]},
            markup=False,
        )


@entities_app.command(
    "export",
    help=_("Write the register as FtM JSON lines, validated with followthemoney's model."),
)
def export_cmd(
    out: Annotated[Path, typer.Option("--out", help=_("FtM JSON lines file to write."))],
    strict: Annotated[
        bool, typer.Option(help=_("Refuse to write when an entity does not validate."))
    ] = True,
    fmt: OutputFormat = "text",
) -> None:
    from qantar.accountability import export_entities

    only_formats(fmt, "text", "json")
    result = export_entities(open_project(), out, strict=strict)
    if fmt == "json":
        print_json(result.__dict__)
        return
    console.print(
        _("wrote %(n)s entities to %(file)s") % {"n": result.written, "file": result.path},
        markup=False,
    )
    for entity_id, problems in result.problems.items():
        console.print(f"  {entity_id}: {'; '.join(problems)}", markup=False)


@entities_app.command(
    "add",
    help=_("Add one entity by hand (values are cleaned by FtM)."),
)
def add_cmd(
    schema: Annotated[str, typer.Argument(help=_("FtM schema: Person, PublicBody, Occupancy..."))],
    prop: Annotated[
        list[str], typer.Option("--prop", help=_("property=value (repeat; ids for references)"))
    ],
    confidence: Annotated[
        float | None, typer.Option(help=_("Confidence of this claim, 0 to 1."))
    ] = None,
    entity_id: Annotated[str | None, typer.Option("--id", help=_("Id (default: random)."))] = None,
    fmt: OutputFormat = "text",
) -> None:
    from qantar.accountability import add_entity, entity_to_dict

    only_formats(fmt, "text", "json")
    values: dict[str, list[str]] = {}
    for number, item in enumerate(prop, start=1):
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            # The value is left out: it can be a person's name.
            raise InputError(
                N_("--prop number %(n)s is not property=value"), field="prop", n=number
            )
        values.setdefault(name.strip(), []).append(value.strip())
    entity = add_entity(open_project(), schema, values, entity_id=entity_id, confidence=confidence)
    if fmt == "json":
        print_json(entity_to_dict(entity))
    else:
        console.print(entity.id, markup=False)


@entities_app.command(
    "list",
    help=_("The register's entities: id, schema, caption."),
)
def list_cmd(
    schema: Annotated[str | None, typer.Option(help=_("Only this FtM schema."))] = None,
    fmt: OutputFormat = "text",
) -> None:
    from qantar.accountability import load_entities

    only_formats(fmt, "text", "json")
    items = load_entities(open_project(), [schema] if schema else None)
    rows = [{"id": e.id, "schema": e.schema.name, "caption": e.caption} for e in items]
    if fmt == "json":
        print_json(rows)
        return
    table = Table(_("id"), _("schema"), _("caption"))
    for r in rows:
        _row(table, str(r["id"]), str(r["schema"]), str(r["caption"]))
    console.print(table)


@acc_app.command(
    "who",
    help=_("Who was responsible for a unit (and up its chain of command) in a place on a date."),
)
def who_cmd(
    unit: Annotated[str, typer.Option("--unit", help=_("Unit id or name (any script)."))],
    date: Annotated[str, typer.Option("--date", help=_("YYYY-MM-DD"))],
    place: Annotated[
        str | None, typer.Option("--place", help=_("Place name (any script)."))
    ] = None,
    fmt: OutputFormat = "text",
) -> None:
    from qantar.accountability import who_was_responsible

    only_formats(fmt, "text", "json")
    answer = who_was_responsible(open_project(), unit, date, place=place)
    if fmt == "json":
        print_json(answer.to_dict())
        return
    where = (_("%(unit)s on %(date)s in %(place)s") if place else _("%(unit)s on %(date)s")) % {
        "unit": answer.unit,
        "date": answer.date,
        "place": place,
    }
    console.print(where, markup=False)
    chain = Table(_("unit"), _("under"), _("from"), _("to"), _("kind"), _("source"))
    for link in answer.chain:
        _row(chain, link.unit, link.parent, link.start or "", link.end or "", link.kind,
                      " ".join(link.source.url))  # fmt: skip
    console.print(chain)
    table = Table(
        _("person"), _("post"), _("unit"), _("level"), _("from"), _("to"), _("conf"),
        _("sources"),
    )  # fmt: skip
    for r in answer.responsible:
        _row(
            table,
            r.person, r.post, r.unit, str(r.level), r.start or "?", r.end or "?",
            f"{r.confidence:.2f}", " ".join(u for s in r.sources for u in s.url),
        )  # fmt: skip
    console.print(table)
    for caveat in answer.caveats:
        console.print(_("caveat: %(caveat)s") % {"caveat": say(caveat, _)}, markup=False)


@acc_app.command(
    "link",
    help=_("Tie an official or a unit to an incident, with evidence and victims."),
)
def link_cmd(
    actor: Annotated[str, typer.Option(help=_("Entity id of the official or unit."))],
    incident: Annotated[int, typer.Option(help=_("Incident id (`qantar incident list`)."))],
    role: Annotated[str, typer.Option(help=_("ordered, commanded, executed, aided, covered_up"))],
    source: Annotated[str, typer.Option(help=_("Where the link comes from."))],
    confidence: Annotated[float, typer.Option(help=_("0 to 1."))],
    evidence: Annotated[
        list[str] | None, typer.Option("--evidence", help=_("Evidence SHA-256 (or prefix)."))
    ] = None,
    victim_record: Annotated[
        list[int] | None, typer.Option("--victim-record", help=_("Registry record id."))
    ] = None,
    victim_person: Annotated[
        list[str] | None, typer.Option("--victim-person", help=_("Linkage person id."))
    ] = None,
    category: Annotated[
        str | None, typer.Option(help=_("Victim category for all victims given."))
    ] = None,
    abuse: Annotated[
        list[str] | None, typer.Option("--abuse", help=_("Abuse category (default: from type)."))
    ] = None,
    fmt: OutputFormat = "text",
) -> None:
    from qantar.accountability import Victim, link_responsibility

    only_formats(fmt, "text", "json")
    victims = [Victim(record_id=r, category=category) for r in victim_record or []]
    victims += [Victim(person_id=p, category=category) for p in victim_person or []]
    link_id = link_responsibility(
        open_project(), actor=actor, incident=incident, role=role, source=source,
        confidence=confidence, evidence_items=evidence or [], victims=victims, abuses=abuse,
    )  # fmt: skip
    if fmt == "json":
        print_json({"id": link_id})
    else:
        console.print(_("responsibility link %(id)s recorded") % {"id": link_id})


@acc_app.command(
    "links",
    help=_("Responsibility links with their evidence and victim references (ids only)."),
)
def links_cmd(
    actor: Annotated[str | None, typer.Option(help=_("Only this entity id."))] = None,
    fmt: OutputFormat = "text",
) -> None:
    from qantar.accountability import responsibilities

    only_formats(fmt, "text", "json")
    rows = responsibilities(open_project(), actor)
    if fmt == "json":
        print_json(rows)
        return
    table = Table(
        _("id"), _("actor"), _("incident"), _("role"), _("abuses"), _("conf"), _("evidence"),
        _("victims"),
    )  # fmt: skip
    for r in rows:
        _row(
            table,
            str(r["id"]), r["actor_id"], str(r["incident_id"]), r["role"],
            ", ".join(r["abuses"]), f"{r['confidence']:.2f}", str(len(r["evidence"])),
            str(len(r["victims"])),
        )  # fmt: skip
    console.print(table)


@acc_app.command(
    "contrary",
    help=_("Record contrary information for dossiers (section H)."),
)
def contrary_cmd(
    statement: Annotated[str, typer.Option(help=_("The contrary or exculpatory information."))],
    source: Annotated[str, typer.Option(help=_("Its source."))],
    subject: Annotated[str | None, typer.Option(help=_("Entity id it concerns."))] = None,
    incident: Annotated[int | None, typer.Option(help=_("Incident id it concerns."))] = None,
    response: Annotated[str | None, typer.Option(help=_("The submitter's response."))] = None,
) -> None:
    from qantar.accountability import add_contrary

    cid = add_contrary(open_project(), statement=statement, source=source, subject=subject,
                       incident=incident, response=response)  # fmt: skip
    console.print(_("contrary information %(id)s recorded") % {"id": cid})


app.add_typer(entities_app, name="entities")
app.add_typer(acc_app, name="accountability")


@app.command(
    "screen",
    help=_("Screen the register's persons and units against a sanctions or PEP list."),
)
def screen_cmd(
    against: Annotated[Path, typer.Option("--against", help=_("FtM JSON lines list."))],
    threshold: Annotated[float, typer.Option(help=_("Score for match = true."))] = 0.8,
    dataset: Annotated[
        str | None, typer.Option(help=_("List name when entities carry no 'datasets'."))
    ] = None,
    only_matches: Annotated[bool, typer.Option(help=_("Leave out near-misses."))] = False,
    fmt: OutputFormat = "text",
) -> None:
    from qantar.accountability import screen

    only_formats(fmt, "text", "json")
    results = screen(open_project(), against, threshold=threshold, dataset=dataset)
    if only_matches:
        results = [m for m in results if m.match]
    if fmt == "json":
        print_json([m.to_dict() for m in results])
        return
    table = Table(_("query"), _("match"), _("list"), _("score"), _("match?"), _("reasons"))
    for m in results:
        verdict = _("yes") if m.match else _("no")
        if m.match and m.flags and not m.confirms_listing:
            verdict = _("yes, NOT a confirmation")
        _row(
        table,
            m.query_name, f"{m.match_name} ({m.match_id})", ", ".join(m.datasets),
            f"{m.score:.2f}", verdict, "; ".join(say(r, _) for r in m.reasons),
        )  # fmt: skip
    console.print(table)
    # Every flagged list in the table gets its caution, near-misses too (as in the JSON).
    for flag in {f.dataset: f for m in results for f in m.flags}.values():
        console.print(
            _("CAUTION (%(list)s): %(caution)s") % {"list": flag.dataset, "caution": flag.caution},
            markup=False,
        )


@app.command(
    "dossier",
    help=_("A sanctions submission dossier (PDF + HTML) for one person under one regime."),
)
def dossier_cmd(
    person: Annotated[str, typer.Argument(help=_("Entity id or name of the target."))],
    regime: Annotated[str, typer.Option(help=_("us-gloMag, uk-ghr or eu-ghr"))],
    out: Annotated[Path, typer.Option("--out", help=_("PDF to write (HTML is kept beside)."))],
    against: Annotated[
        Path | None, typer.Option(help=_("Screen the target against this FtM list too."))
    ] = None,
    threshold: Annotated[float, typer.Option(help=_("Screening threshold."))] = 0.8,
    version: Annotated[str, typer.Option(help=_("Dossier version."))] = "1",
    fmt: OutputFormat = "text",
    lang: Annotated[
        str, typer.Option("--lang", help=_("Language of the dossier: kk, ru or en."))
    ] = "en",
) -> None:
    from qantar.accountability import write_dossier

    only_formats(fmt, "text", "json")
    with console.status(_("building the dossier"), spinner="dots"):
        result = write_dossier(
            open_project(), person, regime, out, against=against, threshold=threshold,
            version=version, lang=lang,
        )  # fmt: skip
    if fmt == "json":
        print_json(result.to_dict())
        return
    console.print(
        _("wrote %(pdf)s and %(html)s") % {"pdf": result.pdf, "html": result.html}, markup=False
    )
    console.print(_("dossier data SHA-256 %(sha)s") % {"sha": result.dossier_sha256})
    console.print(_("PDF SHA-256 %(sha)s") % {"sha": result.pdf_sha256})
    console.print(
        _(
            "cited %(cited)s verified evidence item(s); %(excluded)s not cited (did not "
            "verify); %(withheld)s victim name(s) withheld"
        )
        % {
            "cited": result.cited_items,
            "excluded": len(result.excluded_evidence),
            "withheld": result.withheld_victims,
        }
    )
