"""The CLI is a thin layer over the public library: it imports no private name."""

from __future__ import annotations

import ast
from pathlib import Path

import qantar.cli

CLI = Path(qantar.cli.__file__).parent


def _private_imports(source: str) -> list[str]:
    """Every ``from qantar.x._y import z`` or ``from qantar.x import _z`` (and ``import
    qantar.x._y``) in a module, wherever it sits; the CLI's own modules are its to use."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] != "qantar" or parts[:2] == ["qantar", "cli"]:
                continue
            if any(part.startswith("_") for part in parts):
                found.append(f"{node.module} (line {node.lineno})")
            found += [
                f"{node.module}.{alias.name} (line {node.lineno})"
                for alias in node.names
                if alias.name.startswith("_")
            ]
        elif isinstance(node, ast.Import):
            found += [
                f"{alias.name} (line {node.lineno})"
                for alias in node.names
                if alias.name.startswith("qantar.")
                and not alias.name.startswith("qantar.cli")
                and any(part.startswith("_") for part in alias.name.split("."))
            ]
    return found


def test_the_check_finds_each_kind_of_private_import() -> None:
    source = (
        "from qantar.link._review import decide\n"
        "def f():\n    from qantar.evidence import _common\n"
        "import qantar.estimate._project\n"
        "from qantar.cli._common import console\n"
        "from qantar.link import run\n"
    )
    assert sorted(_private_imports(source)) == [
        "qantar.estimate._project (line 4)",
        "qantar.evidence._common (line 3)",
        "qantar.link._review (line 1)",
    ]


def test_the_cli_imports_no_private_name() -> None:
    offences = {
        path.name: found
        for path in sorted(CLI.glob("*.py"))
        if (found := _private_imports(path.read_text(encoding="utf-8")))
    }
    assert offences == {}
