"""One output option everywhere: --format text|json|csv, text by default."""

from __future__ import annotations

from typing import Any

import typer
from _cli import run_cli

from qantar.cli import app


def _commands(group: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    found = {}
    for name, command in getattr(group, "commands", {}).items():
        found[(*path, name)] = command
        found.update(_commands(command, (*path, name)))
    return found


def test_every_format_option_is_the_shared_one() -> None:
    commands = _commands(typer.main.get_command(app))
    with_format = {
        path: param
        for path, command in commands.items()
        for param in command.params
        if "--format" in getattr(param, "opts", ())
    }
    assert len(with_format) > 30  # the walk reached the commands
    odd = {
        " ".join(path): (param.metavar, param.default)
        for path, param in with_format.items()
        if param.metavar != "text|json|csv" or param.default not in ("text", "csv")
    }
    assert odd == {}
    # Only exports default to csv; everything a person reads defaults to text.
    assert {" ".join(p) for p, param in with_format.items() if param.default == "csv"} == {
        "export persons"
    }


def test_format_values_are_checked_the_same_way_everywhere() -> None:
    table = run_cli(None, "names", "parse", "Оспанов Мирас", "--format", "table")
    text = run_cli(None, "names", "parse", "Оспанов Мирас")
    assert table.exit_code == 0 and table.stdout == text.stdout  # the old word still works
    for args in (("names", "parse", "Оспанов"), ("synth", "histories", "h.csv")):
        unknown = run_cli(None, *args, "--format", "xml")
        assert unknown.exit_code == 2
        assert unknown.stderr.startswith("usage error: ") and "--format" in unknown.stderr
        assert len(unknown.stderr.strip().splitlines()) == 1
    no_rows = run_cli(None, "names", "parse", "Оспанов", "--format", "csv")
    assert no_rows.exit_code == 2
    assert no_rows.stderr.strip() == "error: --format csv: this command writes text or json"
