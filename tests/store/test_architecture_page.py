"""docs/architecture.md's generated part (packages, imports, table owners) is current."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

TOOL = Path(__file__).resolve().parents[2] / "tools" / "architecture_graph.py"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("architecture_graph", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_page_is_current() -> None:
    tool = _tool()
    text = tool.PAGE.read_text(encoding="utf-8")
    assert tool.updated(text) == text, "run: python tools/architecture_graph.py"


def test_every_registered_table_has_an_owner_on_the_page() -> None:
    from qantar.store.move import registered_tables

    owned = {name for name, _, _ in _tool().owners()}
    assert {t.name for t in registered_tables()} <= owned


def test_the_shared_tables_belong_to_the_store() -> None:
    owners = {name: owner for name, owner, _ in _tool().owners()}
    for name in ("sources", "records", "persons", "person_records", "incidents"):
        assert owners[name] == "store"


def test_a_stale_page_is_found(tmp_path: Path) -> None:
    tool = _tool()
    text = tool.PAGE.read_text(encoding="utf-8").replace("| `records` | store |", "| x |")
    assert tool.updated(text) != text
