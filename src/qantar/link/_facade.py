"""``project.link`` and ``project.review``: persons from records, and the people who
decide the pairs the model cannot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qantar.link._decisions import (
    PairDecision,
    PairHistory,
    adjudicate,
    conflicts,
    current_decisions,
    record_decision,
)
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
from qantar.link._review_agreement import Agreement, ReviewProgress, agreement, progress
from qantar.link._review_queue import (
    Lease,
    extend,
    lease_next,
    pair_item,
    rebuild,
    release,
    skip,
)
from qantar.link._review_view import FieldRow, PersonChanges, pair_rows, recluster_changes
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

    # A team sharing the queue (the web app): leases, skips, rulings, agreement, progress.

    def lease_next(self, reviewer: str) -> Lease | None:
        """The next pair for ``reviewer`` that nobody else holds, theirs for
        ``[review] lease_minutes`` (the one they hold already, if any)."""
        return lease_next(self._project, reviewer)

    def extend(self, reviewer: str) -> None:
        """Keep the pair this reviewer holds for another lease."""
        extend(self._project, reviewer)

    def skip(self, reviewer: str, key_1: str, key_2: str) -> None:
        """Pass on a pair: back to the others, not offered to this reviewer again."""
        skip(self._project, reviewer, key_1, key_2)

    def release(self, reviewer: str) -> None:
        """Give back the pair this reviewer holds."""
        release(self._project, reviewer)

    def rebuild(self) -> int | None:
        """Build the stored queue again now (it is rebuilt by every run and re-cluster)."""
        return rebuild(self._project)

    def conflicts(self) -> list[PairHistory]:
        """Pairs reviewers decided differently, waiting for the admin."""
        return conflicts(self._project)

    def adjudicate(
        self, key_1: str, key_2: str, decision: Decision | str, *, admin: str,
        note: str | None = None,
    ) -> PairDecision:  # fmt: skip
        """The admin's ruling on a pair in conflict: in force from now on."""
        return adjudicate(self._project, key_1, key_2, decision, admin=admin, note=note)

    def agreement(self) -> Agreement:
        """Cohen's kappa over the pairs two reviewers decided."""
        return agreement(self._project)

    def progress(self) -> ReviewProgress:
        """Decided, remaining, and how persons and the estimate moved since the run."""
        return progress(self._project)

    def pair_rows(self, item: ReviewItem, lang: str = "en") -> list[FieldRow]:
        """The two records side by side, names in both scripts, differences marked."""
        return pair_rows(self._project, item, lang)

    def recluster(self) -> PersonChanges:
        """Re-cluster with the decisions in force and say which persons changed."""
        return recluster_changes(self._project)

    def pair(self, key_1: str, key_2: str) -> ReviewItem | None:
        """Two records by their stable keys, as a pair to show (None: not both linked)."""
        return pair_item(self._project, key_1, key_2)
