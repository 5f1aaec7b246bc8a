"""Looking at what is stored: sources, counts, records, quarantine."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select

from qantar.errors import N_, InputError
from qantar.ingest._normalise import RECORD_FIELDS
from qantar.model.dicts import fields_dict, jsonable
from qantar.notes import load_notes
from qantar.project import Project
from qantar.store.schema import (
    LIVE,
    import_batches,
    person_records,
    quarantine,
    raw_rows,
    records,
    sources,
)


@dataclass(frozen=True)
class SourceSummary:
    name: str
    kind: str
    batches: int
    rows_read: int
    records: int
    rows_quarantined: int
    fields_quarantined: int
    # Batches taken back (``qantar import --undo``): not counted above.
    batches_retracted: int = 0

    def to_dict(self) -> dict[str, Any]:
        return fields_dict(self)


@dataclass(frozen=True)
class RegistrySummary:
    """Counts per source and per kind of source, and totals."""

    sources: list[SourceSummary]

    @property
    def by_kind(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for s in self.sources:
            entry = out.setdefault(
                s.kind, {"sources": 0, "records": 0, "rows_quarantined": 0, "rows_read": 0}
            )
            entry["sources"] += 1
            entry["records"] += s.records
            entry["rows_quarantined"] += s.rows_quarantined
            entry["rows_read"] += s.rows_read
        return out

    @property
    def totals(self) -> dict[str, int]:
        return {
            "sources": len(self.sources),
            "batches": sum(s.batches for s in self.sources),
            "rows_read": sum(s.rows_read for s in self.sources),
            "records": sum(s.records for s in self.sources),
            "rows_quarantined": sum(s.rows_quarantined for s in self.sources),
            "fields_quarantined": sum(s.fields_quarantined for s in self.sources),
        }

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "sources": [s.to_dict() for s in self.sources],
                "by_kind": self.by_kind,
                "totals": self.totals,
            }
        )


def registry_summary(project: Project) -> RegistrySummary:
    """Counts per source (and kind): batches, rows read, records, quarantined rows/fields."""
    with project.engine.connect() as conn:
        batch_counts = {
            r.source_id: r
            for r in conn.execute(
                select(
                    import_batches.c.source_id,
                    func.count().label("batches"),
                    func.sum(import_batches.c.rows_read).label("rows_read"),
                    func.sum(import_batches.c.rows_quarantined).label("rows_quarantined"),
                )
                .where(import_batches.c.retracted_at.is_(None))
                .group_by(import_batches.c.source_id)
            )
        }
        retracted_counts: dict[int, int] = dict(
            conn.execute(
                select(import_batches.c.source_id, func.count())
                .where(import_batches.c.retracted_at.is_not(None))
                .group_by(import_batches.c.source_id)
            ).all()
        )
        record_counts: dict[int, int] = dict(
            conn.execute(
                select(records.c.source_id, func.count()).where(LIVE).group_by(records.c.source_id)
            ).all()
        )
        # A field problem is a quarantine entry whose row still has a record.
        field_counts: dict[int, int] = dict(
            conn.execute(
                select(import_batches.c.source_id, func.count())
                .select_from(
                    quarantine.join(
                        import_batches, quarantine.c.batch_id == import_batches.c.id
                    ).join(records, records.c.raw_row_id == quarantine.c.raw_row_id)
                )
                .where(LIVE, quarantine.c.fixed_at.is_(None))
                .group_by(import_batches.c.source_id)
            ).all()
        )
        out = []
        for s in conn.execute(select(sources).order_by(sources.c.name)):
            b = batch_counts.get(s.id)
            out.append(
                SourceSummary(
                    name=s.name,
                    kind=s.kind,
                    batches=int(b.batches) if b else 0,
                    rows_read=int(b.rows_read or 0) if b else 0,
                    records=int(record_counts.get(s.id, 0)),
                    rows_quarantined=int(b.rows_quarantined or 0) if b else 0,
                    fields_quarantined=int(field_counts.get(s.id, 0)),
                    batches_retracted=int(retracted_counts.get(s.id, 0)),
                )
            )
    return RegistrySummary(out)


def list_batches(project: Project, source: str | None = None) -> list[dict[str, Any]]:
    """Every import batch (newest last), with its file, hash, counts, mapping, who imported
    it, and whether it was taken back (by whom, when, why)."""
    query = (
        select(import_batches, sources.c.name.label("source"), sources.c.kind)
        .join(sources, sources.c.id == import_batches.c.source_id)
        .order_by(import_batches.c.id)
    )
    if source is not None:
        query = query.where(sources.c.name == source)
    with project.engine.connect() as conn:
        return [
            {
                "batch_id": r.id,
                "source": r.source,
                "kind": r.kind,
                "file_name": r.file_name,
                "sha256": r.sha256,
                "size": r.size,
                "format": r.file_format,
                "encoding": r.encoding,
                "delimiter": r.delimiter,
                "sheet": r.sheet,
                "rows_read": r.rows_read,
                "rows_stored": r.rows_stored,
                "rows_quarantined": r.rows_quarantined,
                "forced": r.forced,
                "imported_at": r.imported_at.isoformat() if r.imported_at else None,
                "imported_by": r.imported_by,
                "state": "live" if r.retracted_at is None else "retracted",
                "retracted_at": r.retracted_at.isoformat() if r.retracted_at else None,
                "retracted_by": r.retracted_by,
                "retraction_reason": r.retraction_reason,
                "mapping": r.mapping,
            }
            for r in conn.execute(query)
        ]


def _source_id(project: Project, name: str) -> int:
    with project.engine.connect() as conn:
        found = conn.execute(select(sources.c.id).where(sources.c.name == name)).scalar()
    if found is None:
        raise InputError(N_("no source named %(source)s; see `qantar sources`"), source=repr(name))
    return int(found)


RECORD_COLUMNS = (
    "record_id",
    "record_key",
    "source",
    "batch_id",
    "row_number",
    *RECORD_FIELDS,
    "person_id",
)


def iter_records(project: Project, source: str | None = None) -> Iterator[dict[str, Any]]:
    """Records in the registry (raw and parsed fields side by side, and the key decisions
    refer to them by), in import order, each with the linked person it belongs to now (None
    before `qantar link`); records of retracted batches are left out."""
    query = (
        select(
            records.c.id.label("record_id"),
            records.c.record_key,
            sources.c.name.label("source"),
            records.c.batch_id,
            records.c.row_number,
            *(records.c[name] for name in RECORD_FIELDS),
            person_records.c.person_id,
        )
        .join(sources, sources.c.id == records.c.source_id)
        .outerjoin(person_records, person_records.c.record_id == records.c.id)
        .where(LIVE)
        .order_by(records.c.id)
    )
    if source is not None:
        query = query.where(records.c.source_id == _source_id(project, source))
    with project.engine.connect() as conn:
        for row in conn.execution_options(yield_per=5000).execute(query):
            yield dict(row._mapping)


def iter_quarantine(
    project: Project, source: str | None = None, *, batch: int | None = None
) -> Iterator[dict[str, Any]]:
    """Quarantine entries: row number, column, value, reason, and whether the row was kept
    as a record (a field problem) or held back whole (a row problem); a row fixed by hand
    since (``fix_quarantined``) says who fixed it and when (``fixed``, ``fixed_by``,
    ``fixed_at``, ``fixed_fields``)."""
    query = (
        select(
            quarantine.c.id,
            sources.c.name.label("source"),
            import_batches.c.file_name,
            quarantine.c.batch_id,
            quarantine.c.row_number,
            quarantine.c.column,
            quarantine.c.value,
            quarantine.c.reason,
            quarantine.c.reason_words,
            quarantine.c.fixed_at,
            quarantine.c.fixed_by,
            quarantine.c.fixed_fields,
            records.c.id.label("record_id"),
            raw_rows.c.cells,
        )
        .join(import_batches, import_batches.c.id == quarantine.c.batch_id)
        .join(sources, sources.c.id == import_batches.c.source_id)
        .outerjoin(raw_rows, raw_rows.c.id == quarantine.c.raw_row_id)
        .outerjoin(records, and_(records.c.raw_row_id == quarantine.c.raw_row_id))
        .where(import_batches.c.retracted_at.is_(None))
        .order_by(quarantine.c.id)
    )
    if source is not None:
        query = query.where(import_batches.c.source_id == _source_id(project, source))
    if batch is not None:
        query = query.where(quarantine.c.batch_id == batch)
    with project.engine.connect() as conn:
        for row in conn.execution_options(yield_per=5000).execute(query):
            item = dict(row._mapping)
            item["fixed"] = item["fixed_at"] is not None
            item["row_kept"] = item["record_id"] is not None and not item["fixed"]
            item["raw_cells"] = item.pop("cells")
            # the English reason as stored, a Note a page can word when its words were kept
            words = item.pop("reason_words")
            item["reason"] = load_notes([item["reason"]], [words])[0]
            yield item
