"""``project.link`` and ``project.review``: persons from records, and the people who
decide the pairs the model cannot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qantar.link._decisions import PairDecision, current_decisions, record_decision
from qantar.link._outputs import person_table, persons_csv
from qantar.link._pipeline import LinkResult, Progress, recluster, run
from qantar.link._review import (
    ReviewItem,
    apply_xlsx,
    awaiting_review,
    decide,
    export_xlsx,
    queue,
    record_details,
)
from qantar.model import Decision
from qantar.project import Project


class Link:
    """The linkage area of one project (``project.link``)."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def run(
        self,
        *,
        seed: int = 42,
        threshold: float | None = None,
        truth: Path | None = None,
        charts: Path | None = None,
        progress: Progress | None = None,
    ) -> LinkResult:
        """Link every record (Splink), honouring every reviewer's decision."""
        return run(
            self._project,
            seed=seed,
            threshold=threshold,
            truth=truth,
            charts=charts,
            progress=progress,
        )

    def recluster(self, *, threshold: float | None = None) -> LinkResult:
        """Persons again from the stored scores and the decisions in force (no rescoring)."""
        return recluster(self._project, threshold=threshold)

    def persons(self) -> list[dict[str, Any]]:
        """One row per linked record, with its person id (``PERSON_COLUMNS``)."""
        return person_table(self._project)

    def persons_csv(self) -> str:
        return persons_csv(self._project)


class Review:
    """Human review of record pairs (``project.review``)."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def next_pairs(self, limit: int | None = None) -> list[ReviewItem]:
        """Undecided pairs whose decision could change the persons, most consequential first."""
        return queue(self._project, limit=limit)

    def decide(
        self,
        item: ReviewItem,
        decision: Decision | str,
        *,
        reviewer: str,
        note: str | None = None,
    ) -> None:
        """Store a decision on a pair the queue offered (kept forever; the latest counts)."""
        decide(self._project, item, decision, reviewer=reviewer, note=note)

    def decide_keys(
        self,
        key_1: str,
        key_2: str,
        decision: Decision | str,
        *,
        reviewer: str,
        note: str | None = None,
    ) -> PairDecision:
        """Store a decision on two records named by their stable keys."""
        return record_decision(self._project, key_1, key_2, decision, reviewer=reviewer, note=note)

    def awaiting(self) -> int:
        """Close calls still waiting for a reviewer (what `qantar link` and the report show)."""
        return awaiting_review(self._project)

    def decisions(self) -> dict[tuple[str, str], PairDecision]:
        """The decision in force for each reviewed pair."""
        return current_decisions(self._project)

    def details(self, record_ids: list[int]) -> dict[int, dict[str, Any]]:
        """Each record as written and as compared, for showing a pair."""
        return record_details(self._project, record_ids)

    def export_xlsx(self, path: Path, *, limit: int | None = None) -> int:
        return export_xlsx(self._project, path, limit=limit)

    def apply_xlsx(self, path: Path, *, reviewer: str | None = None) -> dict[str, int]:
        return apply_xlsx(self._project, path, reviewer=reviewer)
