"""Linkage: from overlapping lists to unique persons, with human review.

``run`` links every record of a project with Splink over features prepared from
``qantar.names``-style keys; review decisions (``decide``) survive every re-run.
"""

from qantar.link._decisions import DECISIONS, current_decisions
from qantar.link._pipeline import DEFAULT_THRESHOLD, LinkResult, run

__all__ = ["DECISIONS", "DEFAULT_THRESHOLD", "LinkResult", "current_decisions", "run"]
