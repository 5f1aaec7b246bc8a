"""The same list imported twice, found by its rows rather than its bytes.

A list saved again (other line endings, another Excel save, XLSX instead of CSV) has other
bytes but the same rows; imported again, or under a second source name, it would count one
list-maker twice, and to the estimate one list would look like two independent ones. Each
record carries a hash of its mapped values (``records.row_hash``); a new batch whose rows are
mostly in one earlier batch still in the registry is refused unless ``--force``.

Why refuse at a share and not only on identical lists: an updated list (the old rows and a
few new ones) imported beside the old batch doubles most of its people in the same way. The
right step there is to take the old batch back (``qantar import --undo``) and import the new
one; ``--force`` says the overlap is intended. A smaller overlap is only reported: lists of
the same events do share rows written identically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, distinct, false, func, select

from qantar.model.dicts import jsonable
from qantar.notes import N_, Note
from qantar.store.schema import LIVE, import_batches, records, sources

WARN_SHARE = 0.5
_CHUNK = 500


@dataclass(frozen=True)
class Overlap:
    """Rows of a new list found in one earlier batch (distinct rows, by their hashes)."""

    batch_id: int
    source: str
    imported_at: dt.datetime | None
    shared: int
    rows: int
    earlier_rows: int

    @property
    def share(self) -> float:
        return self.shared / self.rows if self.rows else 0.0

    @property
    def same_list(self) -> bool:
        return self.shared == self.rows == self.earlier_rows

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "batch_id": self.batch_id,
                "source": self.source,
                "imported_at": self.imported_at.isoformat() if self.imported_at else None,
                "shared_rows": self.shared,
                "rows": self.rows,
                "earlier_rows": self.earlier_rows,
                "same_list": self.same_list,
            }
        )


def overlaps_of_batch(conn: Connection, batch_id: int) -> list[Overlap]:
    """Earlier live batches sharing rows with ``batch_id`` (already written, not committed)."""
    others = conn.execute(
        select(import_batches.c.id)
        .where(import_batches.c.id != batch_id, import_batches.c.retracted_at.is_(None))
        .limit(1)
    ).first()
    if others is None:  # the first list of a project: no join over its rows
        return []
    new, old = records.alias("new"), records.alias("old")
    query = (
        select(old.c.batch_id, func.count(distinct(new.c.row_hash)))
        .select_from(new.join(old, old.c.row_hash == new.c.row_hash))
        .where(new.c.batch_id == batch_id, old.c.batch_id != batch_id, old.c.retracted == false())
        .group_by(old.c.batch_id)
    )
    shared = {int(b): int(n) for b, n in conn.execute(query)}
    if not shared:
        return []
    return _overlaps(conn, shared, _distinct_rows(conn, batch_id))


def overlaps_of_hashes(conn: Connection, hashes: Iterable[str]) -> list[Overlap]:
    """The same for rows not written (a dry run): their hashes, looked up in chunks."""
    wanted = sorted(set(hashes))
    found: dict[int, set[str]] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        for batch, value in conn.execute(
            select(records.c.batch_id, records.c.row_hash).where(
                records.c.row_hash.in_(chunk), LIVE
            )
        ):
            found.setdefault(int(batch), set()).add(str(value))
    return _overlaps(conn, {b: len(h) for b, h in found.items()}, len(wanted))


def _distinct_rows(conn: Connection, batch_id: int) -> int:
    return int(
        conn.execute(
            select(func.count(distinct(records.c.row_hash))).where(records.c.batch_id == batch_id)
        ).scalar_one()
    )


def _overlaps(conn: Connection, shared: dict[int, int], rows: int) -> list[Overlap]:
    out = []
    for batch_id, n in shared.items():
        if not rows or n / rows < WARN_SHARE:
            continue
        info = conn.execute(
            select(sources.c.name, import_batches.c.imported_at)
            .join(sources, sources.c.id == import_batches.c.source_id)
            .where(import_batches.c.id == batch_id)
        ).one()
        out.append(
            Overlap(int(batch_id), str(info.name), info.imported_at, int(n), rows,
                    _distinct_rows(conn, int(batch_id)))
        )  # fmt: skip
    return sorted(out, key=lambda o: (-o.share, o.batch_id))


def verdict(overlaps: list[Overlap], refuse_at: float) -> tuple[str | None, list[str]]:
    """The refusal (None when the list may go in) and the warnings, as sentences."""
    refusal: str | None = None
    warnings: list[str] = []
    for o in overlaps:
        when = o.imported_at.date().isoformat() if o.imported_at else Note(_EARLIER)
        which = {"batch": o.batch_id, "source": repr(o.source), "when": when}
        if refusal is None and o.share >= refuse_at:
            if o.same_list:
                refusal = Note(_SAME_LIST, **which)
            else:
                refusal = Note(_UPDATED_LIST, shared=o.shared, rows=o.rows, **which)
        else:
            warnings.append(Note(_ALSO_IN, shared=o.shared, rows=o.rows, **which))
    return refusal, warnings


_EARLIER = N_("an earlier import")
_SAME_LIST = N_(
    "this list's rows are those of batch %(batch)s of source %(source)s (%(when)s): the same "
    "list saved again? Nothing was imported; use --force to import it anyway, or take that "
    "batch back first with `qantar import --undo %(batch)s --reason TEXT`"
)
_UPDATED_LIST = N_(
    "%(shared)s of this list's %(rows)s rows are already in batch %(batch)s of source "
    "%(source)s (%(when)s): an updated copy of that list? Nothing was imported; take that "
    "batch back first with `qantar import --undo %(batch)s --reason TEXT`, or use --force to "
    "import it beside it"
)
_ALSO_IN = N_(
    "%(shared)s of this list's %(rows)s rows are also in batch %(batch)s of source %(source)s "
    "(%(when)s); check that it is not the same list (`qantar batches`)"
)
