"""#15.9: a usage mistake is one line on stderr and exit 2, run as a user runs qantar."""

from __future__ import annotations

from pathlib import Path

import pytest
from _cli import run_cli_process

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("import", "x.csv"), "--source"),
        (("no-such-command",), "no-such-command"),
        (("link", "--seed", "abc"), "--seed"),
        (("init",), "PATH"),
        (("review", "--limit"), "--limit"),
    ],
)
def test_usage_mistake_is_one_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    done = run_cli_process(None, *args, cwd=tmp_path, env={"COLUMNS": "80"})
    lines = done.stderr.strip().splitlines()
    assert done.exit_code == 2, done.stderr
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert lines[0].startswith("usage error: ")
    assert says.lower() in lines[0].lower()
    assert "qantar" in lines[0] and "--help" in lines[0]


def test_user_error_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = run_cli_process(None, "status", cwd=tmp_path, env={"COLUMNS": "80"})
    assert done.exit_code == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith("error: no qantar project")
