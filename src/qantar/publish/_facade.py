"""``project.publish``: what the public may see, and the decisions that govern it."""

from __future__ import annotations

import os
from pathlib import Path

from qantar.model import PublicationStatus
from qantar.project import Project
from qantar.publish._consent import (
    ConsentDecision,
    StatusExplained,
    decide_publication,
    explain_statuses,
)
from qantar.publish._data import collect_report_data
from qantar.publish._memorial import MemorialResult, publish_memorial
from qantar.publish._public import PublicPerson, public_persons
from qantar.publish._report import ReportResult, render_report


class Publish:
    """The publication area of one project (``project.publish``)."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def report(
        self,
        out: str | os.PathLike[str],
        *,
        pdf: str | os.PathLike[str] | None = None,
        estimate_run: str | Path | None = None,
    ) -> ReportResult:
        """The public report (HTML, and PDF when asked) from every area's numbers."""
        data = collect_report_data(self._project, estimate_run=estimate_run)
        return render_report(data, out, pdf=pdf)

    def memorial(self, out: str | os.PathLike[str]) -> MemorialResult:
        """The memorial site (index.html, memorial.csv, memorial.json) in ``out``."""
        return publish_memorial(self._project, out)

    def consent(
        self,
        person_id: str,
        status: PublicationStatus | str,
        *,
        by: str,
        note: str | None = None,
    ) -> ConsentDecision:
        """Record a publication decision for a person (a family's consent or refusal)."""
        return decide_publication(self._project, person_id, status, by=by, note=note)

    def statuses(self) -> dict[str, StatusExplained]:
        """Each person's publication status and where it comes from."""
        return explain_statuses(self._project)

    def export(self) -> list[PublicPerson]:
        """Every person the public may see, already redacted (withheld persons absent):
        the only door to person data for a public output."""
        return public_persons(self._project)
