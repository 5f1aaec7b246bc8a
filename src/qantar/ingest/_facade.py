"""``project.sources``: the lists a project holds, imported, counted and taken back."""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from qantar.ingest._fix import FixResult, fix_quarantined, row_fields
from qantar.ingest._importer import ImportResult, Progress, import_file
from qantar.ingest._registry import (
    RegistrySummary,
    iter_quarantine,
    iter_records,
    list_batches,
    registry_summary,
)
from qantar.ingest._retract import Retraction, retract_batch
from qantar.model import SourceKind
from qantar.project import Project


class Sources:
    """The import area of one project (``project.sources``)."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def import_file(
        self,
        path: str | Path,
        *,
        source: str,
        kind: SourceKind | str | None = None,
        mapping: str | Path | dict[str, Any] | None = None,
        sheet: str | None = None,
        force: bool = False,
        dry_run: bool = False,
        progress: Progress | None = None,
        no_names: bool = False,
        by: str | None = None,
    ) -> ImportResult:
        """Import one list file as a batch of ``source`` (see ``qantar.ingest.import_file``)."""
        return import_file(
            self._project, path, source=source, kind=kind, mapping=mapping, sheet=sheet,
            force=force, dry_run=dry_run, progress=progress, no_names=no_names, by=by,
        )  # fmt: skip

    def list(self) -> RegistrySummary:
        """Counts per source and per kind of source: batches, rows, records, quarantine."""
        return registry_summary(self._project)

    def batches(self, source: str | None = None) -> builtins.list[dict[str, Any]]:
        """Every import batch, newest last, with whether it was taken back."""
        return list_batches(self._project, source)

    def undo(self, batch_id: int, *, reason: str, by: str | None = None) -> Retraction:
        """Take a batch back (kept, marked retracted; its records leave every output)."""
        return retract_batch(self._project, batch_id, reason=reason, by=by)

    def records(self, source: str | None = None) -> Iterator[dict[str, Any]]:
        """The live records as stored, optionally of one source."""
        return iter_records(self._project, source)

    def quarantine(
        self, source: str | None = None, *, batch: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Quarantine entries (of one source or batch), fixed ones included and marked."""
        return iter_quarantine(self._project, source, batch=batch)

    def quarantined_row(self, quarantine_id: int) -> dict[str, str]:
        """What a quarantined row holds per mapped field: where a correction starts."""
        return row_fields(self._project, quarantine_id)

    def fix_quarantined(
        self, quarantine_id: int, corrected: Mapping[str, str], *, by: str | None = None
    ) -> FixResult:
        """Make a quarantined row a record with corrected values (see
        ``qantar.ingest.fix_quarantined``); the raw row and the entry are kept."""
        return fix_quarantined(self._project, quarantine_id, corrected, by=by)
