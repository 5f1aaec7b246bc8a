"""Commands for getting lists in and looking at what is stored: import, sources, status,
records, quarantine. Thin: the work is in ``qantar.ingest``."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table as RichTable

from qantar.cli._common import OutputFormat, console, only_formats, open_project, print_json
from qantar.cli._language import _, kind
from qantar.errors import InputError
from qantar.i18n import N_
from qantar.ingest import (
    RECORD_COLUMNS,
    ImportResult,
    Retraction,
    Table,
    import_files,
    iter_quarantine,
    iter_records,
    list_batches,
    registry_summary,
    retract_batch,
)
from qantar.model import SourceKind
from qantar.model.cells import safe_row
from qantar.notes import say

app = typer.Typer()  # this area's commands; qantar.cli adds them to the root

PROGRESS_FROM_BYTES = 2 << 20


def _print_result(result: ImportResult) -> None:
    name = Path(result.file).name
    if result.already_imported and not result.dry_run:
        console.print(
            _(
                "%(file)s: already imported into %(source)s (batch %(batch)s, same SHA-256); "
                "nothing added. Use --force to import it again."
            )
            % {"file": name, "source": repr(result.source), "batch": result.batch_id},
            soft_wrap=True,
        )
        return
    if result.already_imported:
        console.print(
            _(
                "note: %(file)s is already imported into %(source)s; importing it again would "
                "add nothing unless --force"
            )
            % {"file": name, "source": repr(result.source)},
            soft_wrap=True,
            markup=False,
        )
    # How the file was read: a list of facts (format, encoding, delimiter, sheet).
    how = [result.file_format, *([result.encoding] if result.encoding else [])]
    if result.delimiter:
        how.append(_("delimiter %(delimiter)s") % {"delimiter": repr(result.delimiter)})
    if result.sheet:
        how.append(_("sheet %(sheet)s") % {"sheet": repr(result.sheet)})
    counts = {
        "file": name,
        "how": ", ".join(how),
        "source": repr(result.source),
        "kind": result.kind,
        "read": result.rows_read,
        "stored": result.rows_stored,
        "quarantined": result.rows_quarantined,
        "fields": result.fields_quarantined,
        "batch": result.batch_id,
    }
    line = (
        _(
            "%(file)s (%(how)s) → %(source)s (%(kind)s): %(read)s rows read, would store "
            "%(stored)s, quarantined %(quarantined)s rows"
        )
        if result.dry_run
        else _(
            "%(file)s (%(how)s) → %(source)s (%(kind)s): %(read)s rows read, stored "
            "%(stored)s, quarantined %(quarantined)s rows"
        )
    ) % counts
    if result.fields_quarantined:
        line += _("; %(fields)s fields kept raw but unparsed (see qantar quarantine)") % counts
    if result.batch_id and not result.dry_run:
        line += " " + _("[batch %(batch)s]") % counts
    console.print(line, soft_wrap=True, markup=False)
    for warning in result.warnings:
        console.print(
            _("warning: %(warning)s") % {"warning": say(warning, _)}, soft_wrap=True, markup=False
        )


def _print_retraction(done: Retraction) -> None:
    console.print(
        _(
            "batch %(batch)s (%(file)s, source %(source)s) taken back by %(by)s: %(records)s "
            "records left the registry; its raw rows are kept."
        )
        % {
            "batch": done.batch_id,
            "file": done.file_name,
            "source": repr(done.source),
            "by": done.by,
            "records": done.records,
        },
        soft_wrap=True,
        markup=False,
    )
    if done.reclustered:
        console.print(_("Persons were clustered again without them."), soft_wrap=True)
    else:
        console.print(_("No link run yet: `qantar link` will not see them."), soft_wrap=True)
    if done.review_decisions or done.consent_decisions:
        console.print(
            _(
                "Kept aside (not deleted; they apply again if these rows are imported again): "
                "%(review)s review decisions, %(consent)s consent decisions."
            )
            % {"review": len(done.review_decisions), "consent": len(done.consent_decisions)},
            soft_wrap=True,
        )
    for d in done.consent_decisions:
        console.print(
            "  "
            + _(
                "consent %(id)s: person %(person)s %(status)s (by %(by)s), %(back)s of its "
                "%(records)s records taken back"
            )
            % {
                "id": d["id"],
                "person": d["person_id"],
                "status": d["status"],
                "by": d["decided_by"],
                "back": d["records_taken_back"],
                "records": d["records"],
            },
            soft_wrap=True,
            markup=False,
        )
    for d in done.review_decisions:
        console.print(
            "  "
            + _("review: %(a)s / %(b)s: %(decision)s (by %(by)s)")
            % {
                "a": d["record_key_a"],
                "b": d["record_key_b"],
                "decision": d["decision"],
                "by": d["reviewer"],
            },
            soft_wrap=True,
            markup=False,
        )


def _print_dry_run(result: ImportResult) -> None:
    for number, cells in result.preamble:
        text = " ".join(c for c in cells if c.strip())
        console.print(
            _("row %(row)s is above the header, kept as a title: %(text)s")
            % {"row": number, "text": text},
            markup=False,
        )
    mapping = RichTable(title=_("Mapping for %(file)s") % {"file": Path(result.file).name})
    for column in (_("column"), _("header"), _("field"), _("how")):
        mapping.add_column(column)
    for c in result.columns:
        mapping.add_row(str(c.column), c.header, c.field or _("— (kept raw only)"), c.how)
    console.print(mapping)
    if result.preview:
        # Fields down, rows across: a record has twenty fields, a preview five rows.
        preview = RichTable(title=_("First parsed rows"))
        preview.add_column(_("field"))
        for row in result.preview:
            preview.add_column(_("row %(row)s") % {"row": row["row"]})
        for name in result.preview[0]:
            if name == "row" or all(row.get(name) is None for row in result.preview):
                continue
            preview.add_row(
                name, *("" if r.get(name) is None else str(r[name]) for r in result.preview)
            )
        console.print(preview)
    for p in result.problems_preview:
        console.print(
            _("row %(row)s: %(reason)s") % {"row": p["row"], "reason": say(p["reason"], _)}
            + (f" [{p['column']}={p['value']!r}]" if p["column"] else ""),
            markup=False,
            soft_wrap=True,
        )


def _stream_json(items: Iterator[dict[str, Any]]) -> None:
    """A JSON array written item by item: a million records never sit in memory at once."""
    sys.stdout.write("[")
    for index, item in enumerate(items):
        sys.stdout.write(("," if index else "") + "\n  ")
        sys.stdout.write(json.dumps(item, ensure_ascii=False, default=str))
    sys.stdout.write("\n]\n")


def _compact(row: dict[str, Any]) -> list[str]:
    name = row["name_raw"] or " ".join(
        p for p in (row["surname_raw"], row["given_raw"], row["patronymic_raw"]) if p
    )
    values = [
        row["record_id"], row["source"], row["row_number"], name, row["sex"],
        row["birth_date"] or row["birth_date_raw"], row["age"], row["event_type"],
        row["event_date"] or row["event_date_raw"], row["place_id"] or row["place_raw"],
    ]  # fmt: skip
    return ["" if v is None else str(v) for v in values]


@app.command(
    "import",
    help=_(
        "Import lists losslessly: every row kept verbatim, parsed fields beside it, problems "
        "in quarantine. Each file is one transaction; an unreadable file stops before "
        "writing. With --undo BATCH --reason TEXT, take an earlier import back instead."
    ),
)
def import_(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help=_("CSV/TSV, XLSX/XLS/ODS, JSON or JSONL files.")),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", "-s", help=_("Name of the list's source."))
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help=_("Kind of source, for a new one: %(kinds)s (default other).")
            % {"kinds": "|".join(SourceKind)}
        ),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help=_("Mapping file (TOML) naming columns and options."))
    ] = None,
    sheet: Annotated[
        str | None, typer.Option(help=_("Sheet of a workbook (default: the first)."))
    ] = None,
    output: OutputFormat = "text",
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help=_("Show the mapping and first parsed rows; write nothing.")),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=_(
                "Import a file again even if already imported, or though its rows are "
                "mostly in an earlier batch."
            ),
        ),
    ] = False,
    no_names: Annotated[
        bool,
        typer.Option(
            "--no-names", help=_("The list has no name column on purpose; import it anyway.")
        ),
    ] = False,
    undo: Annotated[
        int | None,
        typer.Option(
            "--undo",
            metavar="BATCH",
            help=_(
                "Take batch BATCH back (see `qantar batches`): its records leave the "
                "registry, its raw rows and the decisions on them are kept."
            ),
        ),
    ] = None,
    reason: Annotated[
        str | None, typer.Option(help=_("Why the batch is taken back (with --undo)."))
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(help=_("Who imports or takes back (default: QANTAR_ACTOR or login).")),
    ] = None,
) -> None:
    only_formats(output, "text", "json")
    if undo is not None:
        if files:
            raise InputError(N_("--undo takes a batch number, not files: import them apart"))
        done = retract_batch(open_project(), undo, reason=reason or "", by=by)
        if output == "json":
            print_json(done.to_dict())
        else:
            _print_retraction(done)
        return
    if not files:
        # Usage mistakes, said as such (FILES and --source are optional only for --undo).
        raise typer.BadParameter(
            _("name the files to import (or --undo BATCH)"), param_hint="FILES"
        )
    if source is None:
        raise typer.BadParameter(
            _("say which source the list comes from (--source NAME)"), param_hint="'--source'"
        )
    project = open_project()

    @contextmanager
    def bar_for(table: Table) -> Iterator[Callable[[int, int], None]]:
        show = console.is_terminal and table.size >= PROGRESS_FROM_BYTES and output == "text"
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn() if table.file_format in ("csv", "json", "jsonl") else TextColumn(""),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=not show,
        ) as bar:
            task = bar.add_task(f"importing {table.path.name}", total=table.total)
            yield lambda done, total: bar.update(task, completed=done, total=total)

    def said(result: ImportResult) -> None:
        if output == "text":
            if dry_run:
                _print_dry_run(result)
            _print_result(result)
            for notice in result.notices:
                console.print(
                    _("note: %(notice)s") % {"notice": say(notice, _)}, markup=False, soft_wrap=True
                )

    results = import_files(
        project, files, source=source, kind=kind, mapping=mapping, sheet=sheet, force=force,
        dry_run=dry_run, no_names=no_names, by=by, progress_for=bar_for, on_result=said,
    )  # fmt: skip
    if output == "json":
        print_json([r.to_dict() for r in results])


@app.command(
    "sources",
    help=_("Every source and the files imported into it (name, SHA-256, counts)."),
)
def sources_(
    output: OutputFormat = "text",
) -> None:
    only_formats(output, "text", "json")
    batches = list_batches(open_project())
    if output == "json":
        print_json(batches)
        return
    if not batches:
        console.print(_("no sources yet: import a list with `qantar import FILE --source NAME`"))
        return
    table = RichTable()
    for column in (
        _("source"),
        _("kind"),
        _("batch"),
        _("file"),
        "sha256",
        _("read"),
        _("stored"),
        _("held back"),
        _("imported"),
    ):
        table.add_column(column, overflow="fold")
    for b in batches:
        table.add_row(
            b["source"], b["kind"], str(b["batch_id"]), b["file_name"], b["sha256"][:8],
            str(b["rows_read"]), str(b["rows_stored"]), str(b["rows_quarantined"]),
            (b["imported_at"] or "")[:10] + (" " + _("(forced)") if b["forced"] else "")
            + (" " + _("(taken back)") if b["state"] == "retracted" else ""),
        )  # fmt: skip
    console.print(table)


@app.command(
    "batches",
    help=_(
        "Every import batch: source, file, rows, who imported it and when, and whether it was"
        " taken back (`qantar import --undo BATCH`)."
    ),
)
def batches_(
    source: Annotated[
        str | None, typer.Option("--source", "-s", help=_("Only this source."))
    ] = None,
    output: OutputFormat = "text",
) -> None:
    only_formats(output, "text", "json")
    batches = list_batches(open_project(), source)
    if output == "json":
        print_json(batches)
        return
    if not batches:
        console.print(_("no batches yet: import a list with `qantar import FILE --source NAME`"))
        return
    table = RichTable()
    for column in (_("batch"), _("source"), _("file"), _("rows"), _("by"), _("imported"),
                   _("state")):  # fmt: skip
        table.add_column(column, overflow="fold")
    for b in batches:
        if b["state"] == "live":
            state = _("forced") if b["forced"] else _("live")
        else:
            state = _("taken back %(on)s by %(by)s: %(reason)s") % {
                "on": (b["retracted_at"] or "")[:10],
                "by": b["retracted_by"],
                "reason": b["retraction_reason"],
            }
        table.add_row(
            str(b["batch_id"]), b["source"], b["file_name"],
            _("%(stored)s of %(read)s") % {"stored": b["rows_stored"], "read": b["rows_read"]},
            b["imported_by"] or "",
            (b["imported_at"] or "")[:16].replace("T", " "), state,
        )  # fmt: skip
    console.print(table)


@app.command(
    "status",
    help=_("Counts per source and per kind of source: rows read, records, quarantined."),
)
def status(
    output: OutputFormat = "text",
) -> None:
    only_formats(output, "text", "json")
    summary = registry_summary(open_project())
    if output == "json":
        print_json(summary.to_dict())
        return
    table = RichTable(title=_("Registry"))
    for k, column in enumerate(
        (
            _("source"),
            _("kind"),
            _("files"),
            _("rows read"),
            _("records"),
            _("rows quarantined"),
            _("fields quarantined"),
        )
    ):
        table.add_column(column, justify="right" if k > 1 else "left")
    for s in summary.sources:
        table.add_row(
            s.name, kind(s.kind), str(s.batches), str(s.rows_read), str(s.records),
            str(s.rows_quarantined), str(s.fields_quarantined),
        )  # fmt: skip
    t = summary.totals
    table.add_row(
        _("all"), "", str(t["batches"]), str(t["rows_read"]), str(t["records"]),
        str(t["rows_quarantined"]), str(t["fields_quarantined"]), style="bold",
    )  # fmt: skip
    console.print(table)
    kinds = ", ".join(
        _("%(kind)s: %(n)s records") % {"kind": kind(k), "n": v["records"]}
        for k, v in sorted(summary.by_kind.items())
    )
    if kinds:
        console.print(_("by kind — %(kinds)s") % {"kinds": kinds})


@app.command(
    "records",
    help=_("Stored records: raw and parsed fields side by side."),
)
def records_(
    source: Annotated[
        str | None, typer.Option("--source", "-s", help=_("Only this source."))
    ] = None,
    output: OutputFormat = "text",
    limit: Annotated[int, typer.Option(help=_("Rows shown as text (csv/json: all)."))] = 50,
) -> None:
    only_formats(output, "text", "csv", "json")
    rows = iter_records(open_project(), source)
    if output == "json":
        _stream_json(rows)
    elif output == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=RECORD_COLUMNS, lineterminator="\n")
        writer.writeheader()
        # Names and notes are as the lists wrote them: a cell must not run as a formula.
        writer.writerows(safe_row(row) for row in rows)
    else:
        # A compact view; csv and json give every raw and parsed field.
        table = RichTable()
        for column in (_("id"), _("source"), _("row"), _("name"), _("sex"), _("born"), _("age"),
                       _("event"), _("date"), _("place")):  # fmt: skip
            table.add_column(column, overflow="fold")
        count = 0
        for row in rows:
            count += 1
            if count <= limit:
                table.add_row(*_compact(row))
        console.print(table)
        if count > limit:
            console.print(_("%(n)s more; use --format csv or json for all") % {"n": count - limit})


@app.command(
    "quarantine",
    help=_(
        "What could not be parsed: id, row number, column, value, reason, and whether the row"
        " was kept as a record with that field left empty, held back whole, or fixed by hand"
        " since. --fix ID --set birth_date=12.03.1990 makes a held-back row a record."
    ),
)
def quarantine_(
    source: Annotated[
        str | None, typer.Option("--source", "-s", help=_("Only this source."))
    ] = None,
    fix: Annotated[
        int | None,
        typer.Option("--fix", help=_("Make this quarantine entry's row a record (see --set).")),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help=_("With --fix: a corrected value, FIELD=TEXT (repeatable).")),
    ] = None,
    by: Annotated[str | None, typer.Option(help=_("With --fix: who fixes it."))] = None,
    output: OutputFormat = "text",
) -> None:
    only_formats(output, "text", "json")
    if fix is not None:
        _fix_row(fix, set_ or [], by, output)
        return
    if set_:
        raise InputError(N_("--set goes with --fix"), field="set")
    entries = iter_quarantine(open_project(), source)
    if output == "json":
        _stream_json(entries)
        return
    table = RichTable()
    for column in (_("id"), _("source"), _("file"), _("row"), _("column"), _("value"),
                   _("reason"), _("row kept")):  # fmt: skip
        table.add_column(column)
    count = 0
    for e in entries:
        count += 1
        kept = _("fixed") if e["fixed"] else _("yes") if e["row_kept"] else _("no")
        table.add_row(
            str(e["id"]), e["source"], e["file_name"], str(e["row_number"]), e["column"] or "",
            (e["value"] or "")[:60], say(e["reason"], _), kept,
        )  # fmt: skip
    if count:
        console.print(table)
    else:
        console.print(_("quarantine is empty"))


def _fix_row(entry: int, settings: list[str], by: str | None, output: str) -> None:
    from qantar.accounts import audit, default_actor

    corrected: dict[str, str] = {}
    for item in settings:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise InputError(N_("--set takes FIELD=TEXT"), field="set")
        corrected[name.strip()] = text
    if not corrected:
        raise InputError(N_("--fix needs at least one --set FIELD=TEXT"), field="set")
    project = open_project()
    who = by.strip() if by and by.strip() else default_actor()
    result = project.sources.fix_quarantined(entry, corrected, by=who)
    audit(project, who, "cli.quarantine.fix", str(entry))
    if output == "json":
        print_json(result.to_dict())
        return
    console.print(
        _(
            "row %(row)s of batch %(batch)s is now record %(key)s; the quarantine entry is"
            " kept, marked fixed"
        )
        % {"row": result.row_number, "batch": result.batch_id, "key": result.record_key},
        markup=False,
        soft_wrap=True,
    )
