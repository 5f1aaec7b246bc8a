"""`qantar init` and `qantar demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qantar.cli._common import console, err_console
from qantar.cli._language import _
from qantar.project import Project
from qantar.store.engine import settings_url

app = typer.Typer()  # this area's commands; qantar.cli adds them to the root


@app.command(
    "init",
    help=_(
        "Create a project folder: qantar.toml, qantar.db, evidence/, runs/ and a signing key "
        "protected by a passphrase."
    ),
)
def init(
    path: Annotated[Path, typer.Argument(help=_("Folder for the new project."))],
    name: Annotated[str | None, typer.Option(help=_("Project name."))] = None,
    database: Annotated[
        str | None,
        typer.Option(
            help=_(
                "SQLAlchemy URL of a team database, e.g. "
                "postgresql+psycopg://user@host/qantar (default: qantar.db in the folder). "
                "A password belongs in ~/.pgpass or PGPASSWORD, not here."
            )
        ),
    ] = None,
    encrypted: Annotated[
        bool,
        typer.Option(
            "--encrypted",
            help=_(
                "Keep the registry in SQLCipher and the evidence encrypted (see docs/security.md)."
            ),
        ),
    ] = False,
) -> None:
    left_out = settings_url(database)[1] if database else False
    if left_out:
        err_console.print(
            _(
                "warning: the URL carries a password; it is not written to qantar.toml (which "
                "travels with the project): from now on the driver reads it from ~/.pgpass "
                "(mode 600) or PGPASSWORD"
            ),
            markup=False,
            soft_wrap=True,
        )
    project = Project.init(path, name=name, database=database, encrypted=encrypted)
    console.print(_("created project %(folder)s") % {"folder": project.root})


@app.command(
    "demo",
    help=_("The main job end to end on a synthetic scenario, with its true numbers beside ours."),
)
def demo(
    out: Annotated[
        Path | None, typer.Option(help=_("Keep the demo project here (default: a temp folder)."))
    ] = None,
    seed: Annotated[int, typer.Option(help=_("Seed of the synthetic scenario."))] = 7,
) -> None:
    from qantar.demo import run_demo

    run_demo(out=out, seed=seed, console=console)
