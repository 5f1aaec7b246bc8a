"""Running the `qantar` command in-process, as a user would type it, for the evidence tests."""

from __future__ import annotations

import sys

import pytest

from qantar import Project
from qantar.cli import main


def run_cli(
    capsys: pytest.CaptureFixture[str], project: Project, *args: str
) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of ``qantar --project ROOT ARGS``."""
    old = sys.argv
    sys.argv = ["qantar", "--project", str(project.root), *args]
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = old
    out = capsys.readouterr()
    return code, out.out, out.err
