"""#15.15: what `qantar link` and `qantar review --list` print for a person to read."""

from __future__ import annotations

import json

import link_scenario as ls
from _cli import run_cli

from qantar import Project


def test_link_rules_only_with_verbose_and_review_list_is_readable(project: Project) -> None:
    sc = ls.generate(120, seed=11, dup_rate=0.08)
    ls.store(project, sc)
    base = ["--project", str(project.root)]
    plain = run_cli(None, *base, "link", "--seed", "3", width=200)
    assert plain.exit_code == 0, plain.output
    assert "blocking rule" not in plain.stdout and "l.surname_key" not in plain.stdout
    verbose = run_cli(None, *base, "link", "--seed", "3", "--verbose", width=400)
    assert verbose.exit_code == 0, verbose.output
    assert "blocking rule" in verbose.stdout and "l." in verbose.stdout

    listed = run_cli(None, *base, "review", "--list", width=300)
    assert listed.exit_code == 0, listed.output
    data = json.loads(run_cli(None, *base, "review", "--list", "--format", "json").stdout)
    assert data
    header = next(line for line in listed.stdout.splitlines() if "names" in line)
    for column in ("#", "source", "row", "names"):
        assert column in header
    first = data[0]
    assert {"source_a", "row_a", "names_a", "source_b", "row_b", "names_b"} <= set(first)
    assert first["source_a"] in sc.lists and first["names_a"]
    # The table shows each record by its list, row and name, not by an opaque key.
    assert all(word in listed.stdout for word in first["names_a"].split())
    assert first["record_key_a"] not in listed.stdout
