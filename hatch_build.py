"""Hatch build hook: compile the gettext catalogs (.po -> .mo) into the wheel.

The .mo files are not in git (only the .po are); without this hook a wheel would carry no
compiled catalog and qantar would read the .po at run time (qantar.i18n), which works but
is slower to start.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogsHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted(Path(self.root, "src", "qantar", "locale").glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=po.parts[-3])
            with po.with_suffix(".mo").open("wb") as handle:
                write_mo(handle, catalog)
        # .mo files are ignored by git, which hatch follows; artifacts are shipped anyway.
        build_data["artifacts"].append("src/qantar/locale/*/LC_MESSAGES/*.mo")
