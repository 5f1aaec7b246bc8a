"""The one way tests run the `qantar` command: as a user types it, through the real entry
point (`qantar.cli.main`: its one-line errors and exit codes), in this process or, where a
real process is needed (umask, environment, a fresh interpreter), in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from typer.testing import CliRunner

import qantar
from qantar import Project
from qantar.cli import main
from qantar.cli._common import console, err_console

SRC = Path(qantar.__file__).resolve().parents[1]


class CliResult(NamedTuple):
    """Exit code, standard output and standard error (it unpacks as those three)."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """What a person at the terminal sees: standard output, then standard error."""
        return self.stdout + self.stderr


def _argv(project: Project | Path | None, args: tuple[str, ...]) -> list[str]:
    if project is None:
        return list(args)
    root = project.root if isinstance(project, Project) else project
    return ["--project", str(root), *args]


def run_cli(
    project: Project | Path | None,
    *args: str,
    input: str | None = None,
    env: Mapping[str, str | None] | None = None,
    width: int | None = None,
) -> CliResult:
    """``qantar [--project ROOT] ARGS`` in this process; ``project`` None runs without
    --project (from the current folder). ``width`` is the terminal's, in columns."""
    old_argv = sys.argv
    old_widths = [c._width for c in (console, err_console)]
    old_umask = os.umask(0o077)  # read it back: main() narrows it for the whole process
    os.umask(old_umask)
    code = 0
    with CliRunner().isolation(input=input, env=env) as streams:
        sys.argv = ["qantar", *_argv(project, args)]
        if width is not None:
            console.width = err_console.width = width
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.argv = old_argv
            os.umask(old_umask)
            console._width, err_console._width = old_widths
            sys.stdout.flush()
            sys.stderr.flush()
            out, err = streams[0].getvalue(), streams[1].getvalue()
    return CliResult(code, out.decode("utf-8"), err.decode("utf-8"))


def run_cli_process(
    project: Project | Path | None,
    *args: str,
    cwd: Path | None = None,
    env: Mapping[str, str | None] | None = None,
    input: str | None = None,
    timeout: float = 300,
) -> CliResult:
    """``python -m qantar [--project ROOT] ARGS`` in a child process with this process's
    environment, this tree's sources first on its path, a wide terminal (a one-line error
    stays one line) and ``env`` over it (a key set to None is left out)."""
    child = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200"}
    for key, value in (env or {}).items():
        if value is None:
            child.pop(key, None)
        else:
            child[key] = value
    done = subprocess.run(
        [sys.executable, "-m", "qantar", *_argv(project, args)],
        cwd=cwd, env=child, input=input, capture_output=True, text=True, timeout=timeout,
        check=False,
    )  # fmt: skip
    return CliResult(done.returncode, done.stdout, done.stderr)
