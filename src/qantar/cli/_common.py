"""What every command shares: the consoles and the project chosen by --project."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

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
