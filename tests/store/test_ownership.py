"""Each table has one owner: the store owns the shared ones, each area its private ones.

These checks read the source (``ast``), so a new module that reaches into a table it does
not own fails here, before a reviewer has to find it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import qantar
from qantar.store.move import registered_tables
from qantar.store.schema import metadata

SRC = Path(qantar.__file__).parent
SHARED = (
    "sources", "import_batches", "raw_rows", "records", "quarantine",
    "persons", "person_records", "incidents",
)  # fmt: skip
# SQL that names a shared table (written as SQL is: keywords in capitals, so prose about
# "records from a list" is not taken for a query), or a foreign key to one by its name.
_SQL = re.compile(r"\b(FROM|JOIN|INTO|UPDATE|TABLE)\s+\"?(" + "|".join(SHARED) + r")\b")
_FK = re.compile(r"^(" + "|".join(SHARED) + r")\.\w+$")


def _names_a_column(text: str) -> bool:
    """"records.id" (a foreign key by string), not "persons.html" or "persons.search"."""
    found = _FK.match(text)
    if found is None:
        return False
    registered_tables()
    table, column = text.split(".", 1)
    return column in metadata.tables[table].c


def _modules() -> list[tuple[str, Path, ast.Module]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if rel.parts[0] == "store":
            continue
        out.append((rel.parts[0], path, ast.parse(path.read_text(encoding="utf-8"))))
    return out


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(SRC)}:{getattr(node, 'lineno', 0)}"


def test_the_shared_tables_are_defined_in_the_store() -> None:
    registered_tables()  # every area's tables on the metadata
    for name in SHARED:
        assert name in metadata.tables
        table = metadata.tables[name]
        # The module that defined it is where its Table(...) call lives.
        source = (SRC / "store" / "schema.py").read_text(encoding="utf-8")
        assert f'Table(\n    "{table.name}",' in source, name


def test_no_area_finds_a_table_by_its_name() -> None:
    found = []
    for _area, path, tree in _modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "tables"
                and isinstance(node.value.value, ast.Name)
                and node.value.value.id == "metadata"
            ):
                found.append(_where(path, node))
    assert found == []


def test_no_area_names_a_shared_table_in_sql_or_a_foreign_key() -> None:
    found = []
    for _area, path, tree in _modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and (_names_a_column(node.value) or _SQL.search(node.value))
            ):
                found.append(_where(path, node))
    assert found == []


def test_no_import_exists_only_to_define_tables() -> None:
    found = [
        f"{path.relative_to(SRC)}:{n}"
        for _area, path, _ in _modules()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "noqa: F401" in line and line.lstrip().startswith(("import qantar", "from qantar"))
    ]
    assert found == []


def test_no_area_reads_another_areas_private_tables() -> None:
    found = []
    for area, path, tree in _modules():
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if len(parts) >= 3 and parts[:3:2] == ["qantar", "_tables"] and parts[1] != area:
                    found.append(_where(path, node))
    assert found == []
