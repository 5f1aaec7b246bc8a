"""Record identity: each record's key is assigned once, when it is stored, and kept forever.

Review decisions and consent name records by these keys, so a key must never change: not
when a second file of the same source is numbered from 1 again, not when a file is imported
twice, not when linkage runs again. A key is chosen from what is known when the record is
stored, then read back by every later step; it is never recomputed.

- ``SOURCE|id:N``: the source's own record id ``N``, when it occurs once in its file and no
  record of the registry holds that key yet (a second file numbered from 1 gets row keys).
- ``SOURCE|row:SHA:ROW``: the file's SHA-256 (16 hex digits) and row number otherwise.
- ``SOURCE|batch:BATCH:row:ROW``: the same file imported again (``--force``) while its
  first import is still in the registry.

A retracted record (``qantar import --undo``) keeps its key but gives it up: the same row
imported again gets the same key back, and the decisions made about it apply again.
"""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import blake2b
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Connection,
    Text,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    select,
    update,
)

from qantar.ingest._normalise import RECORD_FIELDS
from qantar.store.schema import LIVE, import_batches, records, sources

_AT = {name: i for i, name in enumerate(RECORD_FIELDS)}
# Text as the list wrote it.
_TEXT = itemgetter(
    *(
        _AT[name]
        for name in (
            "source_record_id", "name_raw", "surname_raw", "given_raw", "patronymic_raw",
            "place_raw", "notes",
        )
    )
)  # fmt: skip
# Fields read from text: the value read when there is one (a date typed as text in a CSV and
# stored as a date in an XLSX read the same), else the text as written.
_READ = tuple(
    (_AT[raw], _AT[values[0]], itemgetter(*(_AT[v] for v in values)))
    for raw, values in (
        ("sex_raw", ("sex",)),
        ("birth_date_raw", ("birth_date", "birth_date_precision")),
        ("age_raw", ("age",)),
        ("event_type_raw", ("event_type",)),
        ("event_date_raw", ("event_date", "event_date_precision")),
    )
)


def row_hash(fields: Sequence[Any]) -> str:
    """A hash of one record's mapped values (``RECORD_FIELDS`` order), independent of the
    file's bytes, column order, line endings and spreadsheet format: two saves of one list
    give the same hashes row by row. Runs once per imported row, so it is kept lean."""
    parts: list[Any] = list(_TEXT(fields))
    for raw, first, read in _READ:
        value = fields[first]
        parts.append(fields[raw] if value is None or value == "U" else read(fields))
    return blake2b(repr(parts).encode("utf-8"), digest_size=8).hexdigest()


def assign_record_keys(conn: Connection, batch_id: int | None = None) -> int:
    """Give a key to every record of ``batch_id`` (or of any batch) that has none yet, in
    batch order; returns how many were keyed. The importer calls it inside the import's
    transaction; records written by other means (older tools, tests) are keyed the first
    time linkage reads them. A key once stored is never touched again."""
    query = (
        select(import_batches.c.id, import_batches.c.sha256, sources.c.name)
        .join(sources, sources.c.id == import_batches.c.source_id)
        .where(
            exists().where(
                records.c.batch_id == import_batches.c.id, records.c.record_key.is_(None)
            )
        )
        .order_by(import_batches.c.id)
    )
    if batch_id is not None:
        query = query.where(import_batches.c.id == batch_id)
    keyed = 0
    for batch, sha, source in conn.execute(query).all():
        keyed += _key_batch(conn, int(batch), str(sha), str(source))
    return keyed


def _key_batch(conn: Connection, batch_id: int, sha: str, source: str) -> int:
    row_prefix = f"{source}|row:{sha[:16]}:"
    # The same file's first import still in the registry holds the row keys: this one (a
    # forced import) is told apart by its batch.
    same_source = (
        select(import_batches.c.source_id).where(import_batches.c.id == batch_id).scalar_subquery()
    )
    twin = conn.execute(
        select(records.c.id)
        .join(import_batches, import_batches.c.id == records.c.batch_id)
        .where(
            import_batches.c.sha256 == sha,
            import_batches.c.source_id == same_source,
            import_batches.c.id != batch_id,
            records.c.record_key.is_not(None),
            LIVE,
        )
        .limit(1)
    ).first()
    if twin is not None:
        row_prefix = f"{source}|batch:{batch_id}:row:"
    mine = records.alias("mine")
    other = records.alias("other")
    id_key = literal(f"{source}|id:", Text) + records.c.source_record_id
    once = (
        select(mine.c.source_record_id)
        .where(mine.c.batch_id == batch_id, mine.c.source_record_id.is_not(None))
        .group_by(mine.c.source_record_id)
        .having(func.count() == 1)
    )
    free = ~exists().where(other.c.record_key == id_key, other.c.retracted == false())
    result = conn.execute(
        update(records)
        .where(records.c.batch_id == batch_id, records.c.record_key.is_(None))
        .values(
            record_key=case(
                (
                    and_(
                        records.c.source_record_id != "",
                        records.c.source_record_id.in_(once),
                        free,
                    ),
                    id_key,
                ),
                else_=literal(row_prefix, Text) + cast(records.c.row_number, Text),
            )
        )
    )
    return int(result.rowcount or 0)
