"""``project.evidence``: the archive of write-once objects under a signed custody log."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from qantar.evidence._archive import AddResult, add, list_items, record_item_consent
from qantar.evidence._custody import record_event
from qantar.evidence._export import ExportResult, export
from qantar.evidence._readers import custody_log
from qantar.evidence._verify import VerifyReport, verify
from qantar.model import ConsentStatus, CustodyAction
from qantar.project import Project


class Evidence:
    """The evidence area of one project (``project.evidence``)."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def add(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        collected_by: str | None = None,
        collected_at: str | None = None,
        source_url: str | None = None,
        place: str | None = None,
        how: str | None = None,
        from_whom: str | None = None,
        incident: int | None = None,
        person: str | None = None,
        note: str | None = None,
        actor: str | None = None,
    ) -> list[AddResult]:
        """Add files to the archive (each object once; every addition is a custody event)."""
        return add(
            self._project, paths, collected_by=collected_by, collected_at=collected_at,
            source_url=source_url, place=place, how=how, from_whom=from_whom,
            incident=incident, person=person, note=note, actor=actor,
        )  # fmt: skip

    def items(self) -> list[dict[str, Any]]:
        return list_items(self._project)

    def verify(
        self, *, record: bool = True, on_object: Callable[[str], None] | None = None
    ) -> VerifyReport:
        """Re-hash every object and check the custody log's chain and signatures."""
        return verify(self._project, record=record, on_object=on_object)

    def export(
        self,
        out: str | os.PathLike[str],
        *,
        incident: int | None = None,
        public: bool = False,
        pdf: bool = False,
        actor: str | None = None,
    ) -> ExportResult:
        """A court bundle (or, with ``public``, what may be published) in ``out``."""
        return export(self._project, out, incident=incident, public=public, pdf=pdf, actor=actor)

    def custody(self) -> list[dict[str, Any]]:
        """The custody log, oldest event first."""
        return custody_log(self._project)

    def record(
        self,
        action: CustodyAction | str,
        items: Sequence[str],
        reason: str,
        *,
        actor: str | None = None,
    ) -> dict[str, Any]:
        """Append a signed custody event for an action done outside qantar."""
        return record_event(self._project, action, items, reason, actor=actor)

    def consent(
        self,
        item: str,
        *,
        status: ConsentStatus | str,
        scope: str,
        person: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Consent given or withdrawn for publishing an item; returns its hash."""
        return record_item_consent(
            self._project, item, status=status, scope=scope, person=person,
            recorded_by=recorded_by,
        )  # fmt: skip
