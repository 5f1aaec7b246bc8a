"""#15.10: every optional package imported in src/ maps to the extra that installs it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from qantar.errors import OPTIONAL_PACKAGES, missing_extra

ROOT = Path(__file__).resolve().parents[2]


def _core_modules() -> set[str]:
    """Import names of the packages a default install brings (pyproject dependencies)."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {re.split(r"[<>=\[ ;]", d, maxsplit=1)[0].lower().replace("-", "_") for d in deps}
    aliases = {"python_calamine": "python_calamine", "pillow": "PIL"}
    return {aliases.get(n, n) for n in names}


def test_every_optional_import_names_its_extra() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    # click comes with Typer (and is imported only if present).
    core = _core_modules() | {"PIL", "click", "qantar"}
    found: set[str] = set()
    # "from x import y" or "import x" alone on its line: code, not prose in a docstring.
    pattern = re.compile(
        r"^\s+(?:from ([A-Za-z_]\w*)[\w.]* import \S|import ([A-Za-z_]\w*)\s*$)", re.M
    )
    for path in (ROOT / "src" / "qantar").rglob("*.py"):
        # Indented imports are the lazy ones: where optional packages are loaded.
        found |= {a or b for a, b in pattern.findall(path.read_text(encoding="utf-8"))}
    import sys

    stdlib = set(sys.stdlib_module_names)
    third_party = {m for m in found if m not in stdlib and m not in core and m != "qantar"}
    unmapped = sorted(m for m in third_party if m not in OPTIONAL_PACKAGES)
    assert not unmapped, f"optional imports without an extra in OPTIONAL_PACKAGES: {unmapped}"
    for module, extra in OPTIONAL_PACKAGES.items():
        assert extra in extras, (module, extra)
        error = missing_extra(ModuleNotFoundError(f"No module named {module!r}", name=module))
        assert error is not None and f"qantar[{extra}]" in str(error)
    assert missing_extra(ModuleNotFoundError("No module named 'x'", name="x")) is None
