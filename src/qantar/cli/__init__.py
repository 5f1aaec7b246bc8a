"""The Typer app: parses arguments, calls the library, prints with Rich. Nothing else.

Each area registers its commands from its own module, so the areas stay apart.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from qantar.cli._common import console, err_console, state
from qantar.errors import QantarError

app = typer.Typer(
    name="qantar",
    help="From scattered lists of victims to facts: registry, linkage, estimation, evidence.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            "-p",
            help="Project folder (default: the one containing the current folder).",
        ),
    ] = None,
) -> None:
    state.project_path = project


def _register() -> None:
    # Imported here so that each module can import `app` helpers without cycles.
    from qantar.cli import (
        accountability_cmds,
        db_cmds,
        estimate_cmds,
        events_cmds,
        evidence_cmds,
        ingest_cmds,
        link_cmds,
        names_cmds,
        project_cmds,
        publish_cmds,
        synth_cmds,
    )

    project_cmds.register(app)
    ingest_cmds.register(app)
    names_cmds.register(app)
    synth_cmds.register(app)
    evidence_cmds.register(app)
    accountability_cmds.register(app)
    link_cmds.register(app)
    estimate_cmds.register(app)
    events_cmds.register(app)
    publish_cmds.register(app)
    db_cmds.register(app)


_register()


def main() -> None:
    """Entry point: user errors print one line and exit 2, never a traceback."""
    try:
        # Without standalone mode click returns a command's exit code instead of exiting.
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except QantarError as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("aborted; nothing was changed by the interrupted step", markup=False)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click's usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise


__all__ = ["app", "console", "main"]
