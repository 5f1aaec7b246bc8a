"""Every error the library raises is said in the reader's language: its message is an
``N_``-marked sentence with named parameters, never an f-string or a sentence made up with
``%`` before it is raised (neither could be found in a catalog)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import qantar
from qantar.errors import QantarError

SRC = Path(qantar.__file__).parent
# the CLI and the web app word their own lines with gettext; tests/cli and tests/web check them
PACKAGES = [
    *sorted(
        p.name
        for p in SRC.iterdir()
        if p.is_dir() and p.name not in {"cli", "web", "locale", "data", "__pycache__"}
    ),
    "(top)",
]


def _error_names() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                found.add(node.name)
    names = {"QantarError"}
    # a class is an error of ours when one of its bases is (names are unique enough here)
    changed = True
    bases: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
                )
    while changed:
        changed = False
        for name, parents in bases.items():
            if name not in names and parents & names:
                names.add(name)
                changed = True
    assert "InputError" in names and QantarError.__name__ in names
    return names


ERRORS = _error_names()


def _called(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _unmarked(path: Path) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and _called(node.func) in ERRORS and node.args):
            continue
        first = node.args[0]
        marked = (
            isinstance(first, ast.Call)
            and _called(first.func) == "N_"
            and len(first.args) == 1
            and isinstance(first.args[0], ast.Constant)
            and isinstance(first.args[0].value, str)
        )
        # a message kept in a name (a constant marked where it is defined, or one passed on)
        passed_on = isinstance(first, ast.Name | ast.Attribute)
        if not (marked or passed_on):
            problems.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return problems


@pytest.mark.parametrize("package", PACKAGES)
def test_every_error_message_is_marked_for_the_catalogs(package: str) -> None:
    files = (
        sorted(SRC.glob("*.py")) if package == "(top)" else sorted((SRC / package).rglob("*.py"))
    )
    problems = [p for path in files for p in _unmarked(path)]
    assert not problems, f"raise with N_('... %(name)s ...', name=...): {problems}"
