"""``project.accountability``: officials and units, who commanded, screening, dossiers."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from followthemoney import ValueEntity

from qantar.accountability._command import CommandAnswer, who_was_responsible
from qantar.accountability._entities import ImportResult, import_entities, load_entities
from qantar.accountability._screening import DEFAULT_THRESHOLD, ScreenMatch, screen
from qantar.project import Project

if TYPE_CHECKING:  # the dossier module is loaded when a dossier is written
    from qantar.accountability._dossier import DossierResult


class Accountability:
    """The accountability area of one project (``project.accountability``)."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def import_officials(self, path: str | os.PathLike[str]) -> ImportResult:
        """Import a register of officials, units and posts (FollowTheMoney JSON lines)."""
        return import_entities(self._project, path)

    def officials(self, schemata: Iterable[str] | None = None) -> list[ValueEntity]:
        """The register's entities (optionally of some schemata, e.g. ``["Person"]``)."""
        return load_entities(self._project, schemata)

    def who(self, unit: str, date: str, *, place: str | None = None) -> CommandAnswer:
        """Who commanded ``unit`` on ``date``: its chain and the post-holders, with sources."""
        return who_was_responsible(self._project, unit, date, place=place)

    def screen(
        self, against: str | os.PathLike[str], *, threshold: float = DEFAULT_THRESHOLD
    ) -> list[ScreenMatch]:
        """The register's persons matched against a sanctions or PEP list."""
        return screen(self._project, against, threshold=threshold)

    def dossier(
        self,
        person: str,
        regime: str,
        out: str | os.PathLike[str],
        *,
        against: str | os.PathLike[str] | None = None,
        actor: str | None = None,
    ) -> DossierResult:
        """A sanctions dossier on one official for ``regime`` (PDF, HTML and manifests)."""
        from qantar.accountability._dossier import write_dossier

        return write_dossier(self._project, person, regime, out, against=against, actor=actor)
