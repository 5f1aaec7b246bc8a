"""Linkage: from overlapping lists to unique persons, with human review.

``run`` links every record of a project with Splink (DuckDB by default) over features
prepared once per record; reviewers' decisions (``record_decision``, the review queue)
are kept by stable record identity and honoured by every later run; ``project_histories``
gives the capture histories that estimation needs.
"""

from qantar.link._decisions import DECISIONS, current_decisions, record_decision
from qantar.link._features import forget as forget_records
from qantar.link._outputs import (
    PERSON_COLUMNS,
    STRATA,
    person_table,
    persons_csv,
    project_histories,
)
from qantar.link._pipeline import DEFAULT_THRESHOLD, LinkResult, evaluate, recluster, run
from qantar.link._review import ReviewItem, apply_xlsx, export_xlsx, queue, record_details

__all__ = [
    "DECISIONS",
    "DEFAULT_THRESHOLD",
    "PERSON_COLUMNS",
    "STRATA",
    "LinkResult",
    "ReviewItem",
    "apply_xlsx",
    "current_decisions",
    "evaluate",
    "export_xlsx",
    "forget_records",
    "person_table",
    "persons_csv",
    "project_histories",
    "queue",
    "recluster",
    "record_decision",
    "record_details",
    "run",
]
