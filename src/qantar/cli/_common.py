"""What every command shares: the consoles, the project chosen by --project, --format."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from qantar.cli._language import _
from qantar.errors import InputError
from qantar.i18n import N_
from qantar.project import Project

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@dataclass
class _State:
    project_path: Path | None = None


state = _State()


def open_project() -> Project:
    """The project named by --project, or the one around the current folder."""
    project = Project.open(state.project_path)
    project.upgrade()
    return project


def print_json(data: Any) -> None:
    """Machine-readable output: plain JSON on stdout, nothing else."""
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


OUTPUT_FORMATS = ("text", "json", "csv")
# Before every command spoke of text, some called it "table": scripts that say so still work.
_FORMAT_ALIASES = {"table": "text"}


def _known_format(value: str) -> str:
    value = _FORMAT_ALIASES.get(value, value)
    if value not in OUTPUT_FORMATS:
        raise typer.BadParameter(
            _("use %(formats)s") % {"formats": ", ".join(OUTPUT_FORMATS)}, param_hint="'--format'"
        )
    return value


# The one output option: text for a person (the default), json for a program, csv for rows.
OutputFormat = Annotated[
    str,
    typer.Option(
        "--format",
        metavar="text|json|csv",
        help=_("Output: text (default), json, or csv where the command lists rows."),
        callback=_known_format,
    ),
]


def only_formats(value: str, *allowed: str) -> str:
    """``value`` if this command writes it; csv is for commands that list rows."""
    value = _known_format(value)
    if value not in allowed:
        raise InputError(
            N_("--format %(value)s: this command writes %(formats)s"),
            value=value,
            formats=_(" or ").join(allowed),
        )
    return value
