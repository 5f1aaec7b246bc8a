"""Fixing a quarantined row by hand: corrected values in, a record of the same batch out.

The raw row stays as the file held it. The corrected values are parsed by the import's own
``Normaliser`` under the batch's stored mapping (its columns, date order, defaults), so a
fixed row reads exactly as it would have, had the file said so. If any value still cannot
be read, nothing is written and the error names the field. Once stored, the record gets its
key as every record of the batch does (``assign_record_keys``) and the quarantine entries of
the row are marked fixed, by whom and when: they are kept, never deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from qantar._actor import default_actor
from qantar.errors import N_, InputError
from qantar.ingest._identity import assign_record_keys, row_hash
from qantar.ingest._importer import _parsed_name
from qantar.ingest._mapping import FIELDS, MULTI_FIELDS, ColumnMapping, MappingRules
from qantar.ingest._normalise import RECORD_FIELDS, Normaliser, RowRejected
from qantar.ingest._readers import cell_text
from qantar.ingest._reasons import joined
from qantar.ingest._sheets import EXCEL_1900, EXCEL_1904
from qantar.model.dicts import fields_dict
from qantar.project import Project
from qantar.store.readers import PARSED_NAME_COLUMNS
from qantar.store.schema import import_batches, quarantine, raw_rows, records

FIXED_HOW = "fixed by hand"


@dataclass(frozen=True)
class FixResult:
    """A quarantined row that is now a record."""

    quarantine_id: int
    batch_id: int
    row_number: int
    record_id: int
    record_key: str
    fields: list[str]  # the fields corrected (names, never values)
    by: str
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        return fields_dict(self)


def row_fields(project: Project, quarantine_id: int) -> dict[str, str]:
    """What the raw row of a quarantine entry holds for each field of its batch's mapping,
    as the form to correct it starts from (empty when its cells cannot be trusted)."""
    with project.engine.connect() as conn:
        _entry, batch, cells = _load(conn, quarantine_id)
    columns = _columns(batch)
    base = _base_cells(cells, columns, batch)
    out: dict[str, str] = {}
    for position, column in enumerate(columns):
        if column.field and column.field not in out:
            index = column.column if isinstance(column.column, int) else position
            out[column.field] = base[index] if index < len(base) else ""
    return out


def fix_quarantined(
    project: Project,
    quarantine_id: int,
    corrected: Mapping[str, str],
    *,
    by: str | None = None,
) -> FixResult:
    """Make the row of quarantine entry ``quarantine_id`` a record of its batch, with the
    ``corrected`` values (field name -> text as a list would write it, e.g. ``{"birth_date":
    "12.03.1990"}``) in place of what the row held. Fields not given keep the row's own cell
    when its cells line up with the header, else stay empty.

    Raises ``InputError`` naming the entry, row and field (never the value) when a field is
    unknown, a value still cannot be read, the row is already a record, or its batch was
    taken back; nothing is written then.
    """
    unknown = sorted(set(corrected) - set(FIELDS))
    if unknown:
        raise InputError(
            N_("not a field of a record; use one of %(fields)s"),
            field=unknown[0],
            fields=", ".join(FIELDS),
        )
    who = by or default_actor()
    with project.engine.begin() as conn:
        entry, batch, cells = _load(conn, quarantine_id)
        row = int(entry.row_number)
        where = f"quarantine entry {quarantine_id}"
        if entry.fixed_at is not None:
            raise InputError(N_("this row was fixed already"), file=where, row=row)
        if batch.retracted_at is not None:
            raise InputError(
                N_("its batch was taken back; import the list again"), file=where, row=row
            )
        held = conn.execute(
            select(records.c.id).where(records.c.raw_row_id == entry.raw_row_id)
        ).first()
        if held is not None:
            raise InputError(
                N_(
                    "this row is a record already (only a field was set aside); correct the "
                    "list and import it again"
                ),
                file=where,
                row=row,
            )
        columns = _columns(batch)
        base = _base_cells(cells, columns, batch)
        plan, filled = _apply(columns, base, corrected)
        fields = _parse(project, batch, plan, filled, where, row)
        now = datetime.now(UTC)
        values = dict(zip(RECORD_FIELDS, fields, strict=True))
        values.update(zip(PARSED_NAME_COLUMNS, _parsed_name(fields), strict=True))
        record_id = int(
            conn.execute(
                insert(records).values(
                    raw_row_id=entry.raw_row_id,
                    batch_id=batch.id,
                    source_id=batch.source_id,
                    row_number=row,
                    row_hash=row_hash(fields),
                    retracted=False,
                    **values,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
        )
        assign_record_keys(conn, int(batch.id))
        key = conn.execute(
            select(records.c.record_key).where(records.c.id == record_id)
        ).scalar_one()
        changed = sorted(corrected)
        conn.execute(
            update(quarantine)
            .where(quarantine.c.raw_row_id == entry.raw_row_id, quarantine.c.fixed_at.is_(None))
            .values(fixed_at=now, fixed_by=who, fixed_fields=changed, fixed_record_id=record_id)
        )
        conn.execute(
            update(import_batches)
            .where(import_batches.c.id == batch.id)
            .values(
                rows_stored=import_batches.c.rows_stored + 1,
                rows_quarantined=import_batches.c.rows_quarantined - 1,
            )
        )
    return FixResult(quarantine_id, int(batch.id), row, record_id, str(key), changed, who, now)


def _load(conn: Connection, quarantine_id: int) -> tuple[Any, Any, Any]:
    entry = conn.execute(select(quarantine).where(quarantine.c.id == quarantine_id)).first()
    if entry is None or entry.raw_row_id is None:
        raise InputError(
            N_("no quarantined row of that number; see `qantar quarantine`"),
            field="quarantine id",
        )
    batch = conn.execute(select(import_batches).where(import_batches.c.id == entry.batch_id)).one()
    cells = conn.execute(
        select(raw_rows.c.cells).where(raw_rows.c.id == entry.raw_row_id)
    ).scalar_one()
    return entry, batch, cells


def _columns(batch: Any) -> list[ColumnMapping]:
    return [ColumnMapping(**c) for c in (batch.mapping or {}).get("columns", [])]


def _base_cells(cells: Any, columns: list[ColumnMapping], batch: Any) -> list[str]:
    """The row's cells in column order, or blanks when they cannot be trusted (a row with
    more or fewer cells than the header: its columns may be shifted)."""
    width = len(columns)
    if isinstance(cells, dict):  # a JSON object: cells by key, in the order keys were found
        return [cell_text(cells.get(str(c.column), "")) for c in columns]
    if isinstance(cells, list) and len(cells) == len(batch.headers or []):
        base = [cell_text(c) for c in cells]
        return base + [""] * max(0, width - len(base))
    return [""] * max(width, len(batch.headers or []))


def _apply(
    columns: list[ColumnMapping], base: list[str], corrected: Mapping[str, str]
) -> tuple[list[ColumnMapping], list[str]]:
    """The cells with corrected values in place: the first column of each corrected field
    takes the value (the others of a multi-column field are emptied); a field the list had
    no column for gets one of its own."""
    plan = list(columns)
    filled = list(base)
    for name, value in corrected.items():
        spots = [
            (c.column if isinstance(c.column, int) else position)
            for position, c in enumerate(plan)
            if c.field == name
        ]
        if not spots:
            index = len(filled)
            plan.append(ColumnMapping(index, name, name, FIXED_HOW))
            filled.append(str(value))
            continue
        filled[spots[0]] = str(value)
        if name in MULTI_FIELDS:
            for extra in spots[1:]:
                filled[extra] = ""
    return plan, filled


def _parse(
    project: Project,
    batch: Any,
    plan: list[ColumnMapping],
    filled: list[str],
    where: str,
    row: int,
) -> list[Any]:
    stored = batch.mapping or {}
    epoch = {1900: EXCEL_1900, 1904: EXCEL_1904}.get(stored.get("excel_date_system") or 0)
    rules = MappingRules(
        names={},
        prefixes=(),
        date_order=stored.get("date_order") or "dmy",
        defaults=dict(stored.get("defaults") or {}),
        date_epoch=epoch,
    )
    normaliser = Normaliser(
        rules, project.gazetteer, latest_year=project.settings.case.latest_two_digit_year
    )
    # Columns are taken by position here: JSON keys were positions of discovery already.
    normaliser.compile(
        [ColumnMapping(i, c.header, c.field, c.how, c.implied_event_type) if not isinstance(
            c.column, int) else c for i, c in enumerate(plan)]
    )  # fmt: skip
    try:
        fields, problems = normaliser.fields(filled)
    except RowRejected as rejected:
        raise InputError(
            N_("still cannot be stored: %(reason)s"),
            file=where,
            row=row,
            reason=rejected.problem.reason,
        ) from None
    if problems:
        named = [p.reason.split(":", 1)[0] for p in problems]
        raise InputError(
            N_("cannot be read: %(reasons)s"),
            file=where,
            row=row,
            field=named[0],
            reasons=joined(p.reason for p in problems),
        )
    return fields
