"""The main job end to end, on data whose truth we know."""

from __future__ import annotations

import tempfile
from pathlib import Path

from rich.console import Console

from qantar.project import Project


def run_demo(*, out: Path | None, seed: int, console: Console) -> Project:
    root = out or Path(tempfile.mkdtemp(prefix="qantar-demo-")) / "case"
    project = Project.init(root, name="demo")
    console.print(f"demo project: {project.root} (seed {seed})")
    return project
