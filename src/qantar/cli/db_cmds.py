"""`qantar db move`: the project's registry from its SQLite file to a team server."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
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

app = typer.Typer()  # this area's commands; qantar.cli adds them to the root


db = typer.Typer(help=_("The project's database."), no_args_is_help=True)
app.add_typer(db, name="db")


@db.command(
    "move",
    help=_(
        "Copy every table into an empty database (ids kept, one transaction) and check the "
        "row counts."
    ),
)
def move(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help=_(
                "SQLAlchemy URL of an empty database, e.g. "
                "postgresql+psycopg://qantar@db.example.org/qantar (a password belongs in "
                "~/.pgpass or PGPASSWORD, not here)."
            ),
        ),
    ],
    switch: Annotated[
        bool,
        typer.Option(
            "--switch/--no-switch",
            help=_(
                "Point qantar.toml at the new database after the copy (the old SQLite "
                "file is kept as a backup either way)."
            ),
        ),
    ] = False,
    output: OutputFormat = "text",
) -> None:
    from qantar.store.move import move_project

    only_formats(output, "text", "json")
    project = open_project()
    try:
        with Progress(
            TextColumn("{task.description:<24}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err_console,
            transient=True,
            disable=output == "json" or not err_console.is_terminal,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(table: str, done: int, total: int) -> None:
                if table not in tasks:
                    tasks[table] = bar.add_task(table, total=total)
                bar.update(tasks[table], completed=done)

            result = move_project(project, to, switch=switch, progress=progress)
    finally:
        project.close()
    if output == "json":
        print_json(result.to_dict())
        return
    table = Table(_("table"), _("rows"), box=None)
    for name, rows in sorted(result.rows.items()):
        table.add_row(name, f"{rows:,}")
    console.print(table)
    console.print(
        _("copied %(n)s rows into %(target)s")
        % {"n": f"{sum(result.rows.values()):,}", "target": result.target}
    )
    if result.password_left_out:
        console.print(
            _("the password was not written to qantar.toml: put it in ~/.pgpass or PGPASSWORD")
        )
    if result.switched:
        console.print(
            _(
                "qantar.toml now names the new database; %(previous)s is kept as it was (the "
                "backup of the moment before the move)"
            )
            % {"previous": result.previous_database}
        )
    else:
        console.print(_("qantar.toml is unchanged: run with --switch, or edit its database line"))
