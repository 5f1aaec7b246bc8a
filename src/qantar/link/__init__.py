"""Linkage: from overlapping lists to unique persons, with human review.

``run`` links every record of a project with Splink (DuckDB by default) over features
prepared once per record; reviewers' decisions (``record_decision``, the review queue)
are kept by stable record identity and honoured by every later run; ``project_histories``
gives the capture histories that estimation needs, per event type (``person_events``
decides what happened to each person across their records; conflicts wait for a person).
"""

from qantar.link._decisions import (
    DECISIONS,
    PairDecision,
    PairHistory,
    current_decisions,
    record_decision,
)
from qantar.link._events import (
    DEATH_TYPES,
    EventSummary,
    PersonEvents,
    decide_event_types,
    event_conflicts,
    event_summary,
    list_defaults,
    person_events,
)
from qantar.link._features import forget as forget_records
from qantar.link._outputs import (
    PERSON_COLUMNS,
    STRATA,
    person_table,
    persons_csv,
    project_captures,
    project_histories,
    strata_field,
)
from qantar.link._pipeline import (
    DEFAULT_THRESHOLD,
    LinkResult,
    evaluate,
    last_run,
    recluster,
    run,
)
from qantar.link._review import (
    ReviewItem,
    apply_xlsx,
    awaiting_review,
    decide,
    export_xlsx,
    queue,
    record_details,
)
from qantar.link._review_agreement import Agreement, ReviewProgress, cohen_kappa
from qantar.link._review_queue import Lease
from qantar.link._review_view import FieldRow, PersonChanges

__all__ = [
    "DEATH_TYPES",
    "DECISIONS",
    "DEFAULT_THRESHOLD",
    "PERSON_COLUMNS",
    "STRATA",
    "Agreement",
    "EventSummary",
    "FieldRow",
    "Lease",
    "LinkResult",
    "PairDecision",
    "PairHistory",
    "PersonChanges",
    "PersonEvents",
    "ReviewItem",
    "ReviewProgress",
    "apply_xlsx",
    "awaiting_review",
    "cohen_kappa",
    "current_decisions",
    "decide",
    "decide_event_types",
    "evaluate",
    "event_conflicts",
    "event_summary",
    "export_xlsx",
    "forget_records",
    "last_run",
    "list_defaults",
    "person_events",
    "person_table",
    "persons_csv",
    "project_captures",
    "project_histories",
    "queue",
    "recluster",
    "record_decision",
    "record_details",
    "run",
    "strata_field",
]
