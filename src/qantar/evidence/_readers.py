"""Read-only views of the archive for other areas (dossiers, reports).

Unlike ``show_item``, these record no "viewed" custody event: they read what the archive
already holds and change nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from qantar.evidence._archive import consent_withdrawn
from qantar.evidence._custody import events
from qantar.evidence._tables import timestamp_tokens
from qantar.project import Project


def custody_log(project: Project) -> list[dict[str, Any]]:
    """Every custody event, in chain order (``seq``, ``time``, ``action``, ``items``...)."""
    with project.engine.connect() as conn:
        return events(conn)


def timestamped_seqs(project: Project) -> set[int]:
    """The custody sequence numbers that an RFC 3161 token covers (a token over the head at
    ``seq`` proves every event up to it existed then)."""
    with project.engine.connect() as conn:
        return {int(r[0]) for r in conn.execute(select(timestamp_tokens.c.custody_seq))}


def consent_withdrawn_items(project: Project, shas: Iterable[str]) -> set[str]:
    """Those of ``shas`` whose latest consent decision withdraws consent."""
    with project.engine.connect() as conn:
        return {sha for sha in shas if consent_withdrawn(conn, sha)}
