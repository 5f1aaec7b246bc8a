"""One file in, one transaction: a batch, every row verbatim, records, quarantine."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from qantar._actor import default_actor
from qantar.errors import N_, InputError
from qantar.ingest._duplicates import (
    Overlap,
    overlaps_of_batch,
    overlaps_of_hashes,
    verdict,
)
from qantar.ingest._identity import assign_record_keys, row_hash
from qantar.ingest._mapping import (
    ColumnMapping,
    MappingRules,
    build_rules,
    check_columns,
    load_mapping_file,
)
from qantar.ingest._normalise import RECORD_FIELDS, Normaliser, Problem, RowRejected
from qantar.ingest._readers import Table, open_table
from qantar.ingest._sheets import ReadLimits
from qantar.model import SourceKind, parse_enum
from qantar.model.dicts import jsonable
from qantar.notes import Note
from qantar.project import Project
from qantar.store.bulk import bulk_insert, to_json
from qantar.store.bulk import method as bulk_method
from qantar.store.readers import NAME_FIELDS, PARSED_NAME_COLUMNS, parsed_name_values
from qantar.store.schema import import_batches, quarantine, raw_rows, records, sources

Progress = Callable[[int, int], None]
# Given a file about to be imported, a context that yields its progress callback (or None):
# the caller draws one bar per file and takes it down when that file is done.
ProgressFor = Callable[[Table], AbstractContextManager[Progress | None]]
CHUNK_ROWS = 2000
PREVIEW_ROWS = 5


@dataclass
class ImportResult:
    """What one import did (or, for a dry run, would do)."""

    file: str
    source: str
    kind: str
    sha256: str
    size: int
    file_format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    headers: list[str]
    columns: list[ColumnMapping]
    rows_read: int = 0
    rows_stored: int = 0
    rows_quarantined: int = 0
    fields_quarantined: int = 0
    batch_id: int | None = None
    already_imported: bool = False
    dry_run: bool = False
    forced: bool = False
    seconds: float = 0.0
    preview: list[dict[str, Any]] = field(default_factory=list)
    problems_preview: list[dict[str, Any]] = field(default_factory=list)
    # Rows above the header (titles), with their row numbers: not data, kept in the batch.
    preamble: list[tuple[int, list[str]]] = field(default_factory=list)
    # What reading changed in the cells (merged cells filled down): counts, never values.
    notices: list[str] = field(default_factory=list)
    # Earlier batches holding many of these rows (the same list imported twice?).
    overlaps: list[Overlap] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "file": self.file,
                "source": self.source,
                "kind": self.kind,
                "sha256": self.sha256,
                "size": self.size,
                "format": self.file_format,
                "encoding": self.encoding,
                "delimiter": self.delimiter,
                "sheet": self.sheet,
                "batch_id": self.batch_id,
                "already_imported": self.already_imported,
                "dry_run": self.dry_run,
                "forced": self.forced,
                "rows_read": self.rows_read,
                "rows_stored": self.rows_stored,
                "rows_quarantined": self.rows_quarantined,
                "fields_quarantined": self.fields_quarantined,
                "seconds": round(self.seconds, 3),
                "mapping": [c.to_dict() for c in self.columns],
                "preview": self.preview,
                "problems_preview": self.problems_preview,
                "preamble": [{"row": n, "cells": cells} for n, cells in self.preamble],
                "notices": self.notices,
                "overlaps": [o.to_dict() for o in self.overlaps],
                "warnings": self.warnings,
            }
        )


def rules_for(project: Project, mapping: str | Path | dict[str, Any] | None) -> MappingRules:
    """The mapping rules in force: built-ins, qantar.toml ``[import.headers]``, mapping file."""
    settings_headers = project.settings.import_.headers
    if isinstance(mapping, str | Path):
        return build_rules(settings_headers, load_mapping_file(mapping), str(mapping))
    return build_rules(settings_headers, mapping, "mapping" if mapping else None)


def read_limits(project: Project) -> ReadLimits:
    """What a spreadsheet may unpack to: ``[import]`` max_decompressed_mb, max_rows,
    max_columns, max_cells in qantar.toml, else safe defaults."""
    return ReadLimits.from_settings(project.settings.import_)


def import_file(
    project: Project,
    path: str | Path,
    *,
    source: str,
    kind: SourceKind | str | None = None,
    mapping: str | Path | dict[str, Any] | None = None,
    sheet: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    no_names: bool = False,
    by: str | None = None,
) -> ImportResult:
    """Import one file as one batch of ``source``, in one transaction.

    ``kind`` is the source's kind (official, ngo, media, family, hospital, morgue, other),
    needed when the source is new. ``mapping`` is a mapping file path or its parsed content.
    The same file (same SHA-256) imported again into the same source adds nothing unless
    ``force``. Raises ``InputError`` (and writes nothing) when the file cannot be read, or
    when no column holds names, unless ``no_names`` says the list has none on purpose.
    """
    kind = _checked_kind(kind)  # a typo in the kind fails before the file is read
    rules = rules_for(project, mapping)
    limits = read_limits(project)
    with open_table(path, sheet=sheet, header_score=rules.header_score, limits=limits) as table:
        return import_table(
            project, table, rules, source=source, kind=kind, force=force, dry_run=dry_run,
            progress=progress, no_names=no_names, by=by,
        )  # fmt: skip


def _checked_kind(kind: SourceKind | str | None) -> str | None:
    return None if kind is None else parse_enum(SourceKind, kind, field="kind").value


def import_files(
    project: Project,
    paths: Sequence[str | Path],
    *,
    source: str,
    kind: SourceKind | str | None = None,
    mapping: str | Path | dict[str, Any] | None = None,
    sheet: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    no_names: bool = False,
    by: str | None = None,
    progress_for: ProgressFor | None = None,
    on_result: Callable[[ImportResult], None] | None = None,
) -> list[ImportResult]:
    """Import several files into ``source``, each as one batch in its own transaction, as
    ``import_file`` does for one. Every file is opened (and so checked) before any is
    imported: a file that cannot be read stops the run with nothing written.

    ``on_result`` hears of each file's result as soon as it is stored, so a caller can
    report the files already in when a later one fails (for example on a duplicate).
    """
    kind = _checked_kind(kind)
    _check_source_args(source, kind)
    rules = rules_for(project, mapping)
    limits = read_limits(project)
    results: list[ImportResult] = []
    with ExitStack() as stack:
        tables = [
            stack.enter_context(
                open_table(path, sheet=sheet, header_score=rules.header_score, limits=limits)
            )
            for path in paths
        ]
        for table in tables:
            watching = progress_for(table) if progress_for is not None else nullcontext(None)
            with watching as progress:
                result = import_table(
                    project, table, rules, source=source, kind=kind, force=force,
                    dry_run=dry_run, progress=progress, no_names=no_names, by=by,
                )  # fmt: skip
            results.append(result)
            if on_result is not None:
                on_result(result)
    return results


def _check_source_args(name: str, kind: str | None) -> None:
    if not name.strip():
        raise InputError(N_("a source needs a name (--source)"))
    _checked_kind(kind)


def _check_source(conn: Connection, name: str, kind: str | None) -> tuple[int | None, str]:
    _check_source_args(name, kind)
    row = conn.execute(select(sources.c.id, sources.c.kind).where(sources.c.name == name)).first()
    if row is None:
        return None, kind or SourceKind.OTHER.value
    if kind is not None and kind != row.kind:
        raise _kind_clash(name, row.kind, kind)
    return int(row.id), str(row.kind)


def _kind_clash(name: str, had: str, kind: str) -> InputError:
    return InputError(
        N_("source %(source)s exists with kind %(had)s, not %(kind)s"),
        source=repr(name),
        had=repr(had),
        kind=repr(kind),
    )


def import_table(
    project: Project,
    table: Table,
    rules: MappingRules,
    *,
    source: str,
    kind: SourceKind | str | None = None,
    force: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    no_names: bool = False,
    by: str | None = None,
) -> ImportResult:
    """``import_file`` for a table already opened (the CLI opens every file before importing
    any, so one unreadable file stops the command before anything is written)."""
    started = time.perf_counter()
    kind = _checked_kind(kind)
    normaliser = Normaliser(
        rules,
        project.gazetteer,
        date_epoch=table.date_epoch,
        latest_year=project.settings.case.latest_two_digit_year,
    )
    columns = [] if table.keyed else rules.map_headers(table.headers)
    if not table.keyed:
        check_columns(columns, file=str(table.path), no_names=no_names)
    engine = project.engine
    with engine.connect() as conn:
        source_id, source_kind = _check_source(conn, source, kind)
        previous = None
        if source_id is not None:
            previous = conn.execute(
                select(import_batches).where(
                    import_batches.c.source_id == source_id,
                    import_batches.c.sha256 == table.sha256,
                    import_batches.c.retracted_at.is_(None),
                )
            ).first()
    result = ImportResult(
        file=str(table.path),
        source=source,
        kind=source_kind,
        sha256=table.sha256,
        size=table.size,
        file_format=table.file_format,
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
        headers=list(table.headers),
        columns=columns,
        dry_run=dry_run,
        forced=force,
        preamble=list(table.preamble),
        notices=list(table.notices),
    )
    if previous is not None and dry_run:
        result.already_imported = True  # a dry run still shows what the file holds
    elif previous is not None and not force:
        result.already_imported = True
        result.batch_id = int(previous.id)
        result.rows_read = int(previous.rows_read)
        result.rows_stored = int(previous.rows_stored)
        result.rows_quarantined = int(previous.rows_quarantined)
        result.columns = [ColumnMapping(**c) for c in previous.mapping.get("columns", [])]
        return result
    refuse_at = project.settings.import_.duplicate_share
    if dry_run:
        hashes: set[str] = set()

        def collect(number: int, cells: Any, fields: list[Any] | None, _p: list[Problem]) -> None:
            if fields is not None:
                hashes.add(row_hash(fields))

        _run(table, columns, normaliser, result, progress, collect)
        _settle_columns(table, normaliser, result, no_names)
        with engine.connect() as conn:
            result.overlaps = overlaps_of_hashes(conn, hashes)
        refusal, result.warnings = verdict(result.overlaps, refuse_at)
        if refusal is not None:
            result.warnings.insert(0, refusal)
    else:
        with engine.begin() as conn:
            _write(conn, table, rules, normaliser, columns, result, kind, force,
                   by or default_actor(), progress, no_names)  # fmt: skip
            result.overlaps = overlaps_of_batch(conn, result.batch_id or 0)
            refusal, result.warnings = verdict(result.overlaps, refuse_at)
            if refusal is not None and not force:
                # Raised inside the transaction: nothing of this import is kept.
                assert isinstance(refusal, Note)
                raise InputError(refusal.message, file=str(table.path), **refusal.params)
            if refusal is not None:
                top = result.overlaps[0]
                result.warnings.insert(
                    0,
                    Note(
                        N_(
                            "--force: %(shared)s of this list's %(rows)s rows were already in "
                            "batch %(batch)s of source %(source)s; they are stored again as new "
                            "records with keys of their own"
                        ),
                        shared=top.shared,
                        rows=top.rows,
                        batch=top.batch_id,
                        source=repr(top.source),
                    ),
                )
    result.seconds = time.perf_counter() - started
    return result


Sink = Callable[[int, Any, list[Any] | None, list[Problem]], None]


def _run(
    table: Table,
    columns: list[ColumnMapping],
    normaliser: Normaliser,
    result: ImportResult,
    progress: Progress | None,
    sink: Sink,
) -> None:
    """Read, map and parse every row, handing each to ``sink`` with its record fields (None
    when the whole row is quarantined) and its problems. This loop runs once per row of a
    million-row file: counters are locals, and the result is filled in at the end."""
    normaliser.compile(columns)
    fields_of = normaliser.fields
    keyed = table.keyed
    read = stored = held = field_problems = 0
    preview = result.preview
    problems_preview = result.problems_preview
    no_problems: list[Problem] = []
    try:
        for number, cells, row_problem in table.rows():
            read += 1
            fields: list[Any] | None = None
            problems = no_problems
            if row_problem is not None:
                problems = [Problem(None, None, row_problem)]
            else:
                try:
                    fields, problems = fields_of(normaliser.object_cells(cells) if keyed else cells)
                except RowRejected as rejected:
                    problems = [rejected.problem]
            if fields is None:
                held += 1
            else:
                stored += 1
                if problems:
                    field_problems += len(problems)
                if len(preview) < PREVIEW_ROWS:
                    preview.append({"row": number, **dict(zip(RECORD_FIELDS, fields, strict=True))})
            if problems and len(problems_preview) < PREVIEW_ROWS:
                for p in problems:
                    problems_preview.append(
                        {"row": number, "column": p.column, "value": p.value, "reason": p.reason,
                         "row_kept": fields is not None}
                    )  # fmt: skip
            if progress is not None and read % CHUNK_ROWS == 0:
                progress(table.position, table.total)
            sink(number, cells, fields, problems)
    finally:
        result.rows_read += read
        result.rows_stored += stored
        result.rows_quarantined += held
        result.fields_quarantined += field_problems
    if read == 0:
        raise InputError(N_("holds no data rows; nothing to import"), file=str(table.path))
    if progress is not None:
        progress(table.total, table.total)


def _source_for(conn: Connection, name: str, kind: str | None, now: datetime) -> tuple[int, str]:
    """The source's id and kind, creating it if it is new. Two imports may create the same
    new source at once: the insert does nothing when the name exists by then, and both
    imports then read the one row (SQLite's and PostgreSQL's ``ON CONFLICT DO NOTHING``; a
    savepoint elsewhere)."""
    values = {"name": name, "kind": kind or SourceKind.OTHER.value, "created_at": now}
    if conn.dialect.name in ("sqlite", "postgresql"):
        dialect_insert = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
        conn.execute(dialect_insert(sources).values(**values).on_conflict_do_nothing())
    else:
        try:
            with conn.begin_nested():
                conn.execute(insert(sources).values(**values))
        except IntegrityError:
            pass  # created meanwhile by another import
    row = conn.execute(select(sources.c.id, sources.c.kind).where(sources.c.name == name)).one()
    if kind is not None and kind != row.kind:
        raise _kind_clash(name, row.kind, kind)
    return int(row.id), str(row.kind)


def _write(
    conn: Connection,
    table: Table,
    rules: MappingRules,
    normaliser: Normaliser,
    columns: list[ColumnMapping],
    result: ImportResult,
    kind: str | None,
    force: bool,
    by: str,
    progress: Progress | None,
    no_names: bool = False,
) -> None:
    now = datetime.now(UTC)
    source_id, result.kind = _source_for(conn, result.source, kind, now)
    batch_id = int(
        conn.execute(
            insert(import_batches).values(
                source_id=source_id,
                file_name=table.path.name,
                sha256=table.sha256,
                size=table.size,
                file_format=table.file_format,
                encoding=table.encoding,
                delimiter=table.delimiter,
                sheet=table.sheet,
                headers=list(table.headers),
                mapping={},
                rows_read=0,
                rows_stored=0,
                rows_quarantined=0,
                forced=force,
                imported_at=now,
                imported_by=by,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    )
    result.batch_id = batch_id
    writer = _Writer(conn, batch_id, source_id)
    try:
        _run(table, columns, normaliser, result, progress, writer.add)
        writer.flush()
    finally:
        # On any failure (Ctrl-C too) the background writer stops before the transaction
        # rolls back; on success this waits for its last chunk.
        writer.close()
    _settle_columns(table, normaliser, result, no_names)
    assign_record_keys(conn, batch_id)
    conn.execute(
        update(import_batches)
        .where(import_batches.c.id == batch_id)
        .values(
            rows_read=result.rows_read,
            rows_stored=result.rows_stored,
            rows_quarantined=result.rows_quarantined,
            headers=result.headers,
            mapping={
                "columns": [c.to_dict() for c in result.columns],
                "preamble": [{"row": n, "cells": cells} for n, cells in table.preamble],
                **rules.to_dict(),
            },
        )
    )


def _settle_columns(
    table: Table, normaliser: Normaliser, result: ImportResult, no_names: bool = False
) -> None:
    """JSON objects reveal their keys as they are read: the mapping is known at the end
    (and a file none of whose keys is recognised is refused then, inside the transaction)."""
    if table.keyed:
        result.columns = normaliser.discovered
        result.headers = [str(c.column) for c in result.columns]
        check_columns(result.columns, file=str(table.path), keyed=True, no_names=no_names)


_NAME_AT = tuple(RECORD_FIELDS.index(f) for f in NAME_FIELDS)


def _words(reason: str) -> str:
    """A reason's catalog form as JSON text (JSON null for a reason that is no ``Note``)."""
    return to_json(reason.to_json()) if isinstance(reason, Note) else "null"


def _parsed_name(fields: list[Any]) -> tuple[Any, ...]:
    """The name parsed once, as the record is stored: every area reads this parse."""
    return parsed_name_values(*(fields[i] for i in _NAME_AT))


class _Writer:
    """Bulk inserts in chunks, through ``qantar.store.bulk.bulk_insert``.

    On SQLite the raw rows get their ids here (the transaction holds the write lock from its
    first insert, so nobody else takes them), which lets records point at raw rows without a
    round trip per row; and the chunks are written by a background thread on the same
    connection and transaction. SQLite releases the GIL while it inserts, so parsing the
    next chunk overlaps writing this one: on two cores that is most of the difference
    between 40,000 and 60,000 rows/s.

    On PostgreSQL through psycopg each chunk takes its raw row ids from the table's sequence
    (safe while a colleague imports into the same server) and goes in by ``COPY``. Other
    databases take the portable path: raw rows by a Core insert with RETURNING (for their
    ids), in this thread.
    """

    _RAW_NAMES = ("id", "batch_id", "row_number", "cells")
    _RECORD_NAMES = (
        "raw_row_id", "batch_id", "source_id", "row_number", "row_hash", *RECORD_FIELDS,
        *PARSED_NAME_COLUMNS,
    )  # fmt: skip
    _QUARANTINE_NAMES = (
        "batch_id", "raw_row_id", "row_number", "column", "value", "reason", "reason_words"
    )  # fmt: skip

    def __init__(self, conn: Connection, batch_id: int, source_id: int) -> None:
        self.conn = conn
        self.batch_id = batch_id
        self.source_id = source_id
        self.method = bulk_method(conn)
        self.sqlite = self.method == "executemany"
        self.next_id = 0
        self.raw: list[tuple[Any, ...]] = []
        self.records: list[tuple[Any, ...]] = []
        self.quarantine: list[tuple[Any, ...]] = []
        self.pending: list[tuple[int, Any, list[Any] | None, list[Problem]]] = []
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        if self.sqlite:
            # The default 2 MiB page cache makes a big transaction spill to the WAL again and
            # again; a larger cache for this connection keeps the import's pages in memory.
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
            self.next_id = 1 + int(
                conn.execute(select(func.coalesce(func.max(raw_rows.c.id), 0))).scalar_one()
            )
            # Two chunks in flight at most: memory stays flat however long the file.
            self._queue: queue.Queue[tuple[list[Any], ...] | None] = queue.Queue(maxsize=2)
            self._thread = threading.Thread(target=self._drain, name="qantar-import-writer")
            self._thread.start()

    def _insert(self, raw: list[Any], records_: list[Any], quarantine_: list[Any]) -> None:
        """One chunk: raw rows (cells already JSON text), records, quarantined values."""
        bulk_insert(self.conn, raw_rows, self._RAW_NAMES, raw, encoded_json=("cells",))
        bulk_insert(self.conn, records, self._RECORD_NAMES, records_)
        bulk_insert(
            self.conn, quarantine, self._QUARANTINE_NAMES, quarantine_,
            encoded_json=("reason_words",),
        )  # fmt: skip

    def _drain(self) -> None:
        while True:
            chunk = self._queue.get()
            if chunk is None:
                return
            if self._error is not None:
                continue  # keep taking chunks so the producer never blocks
            try:
                self._insert(*chunk)
            except BaseException as exc:  # handed to the importing thread
                self._error = exc

    def add(
        self, number: int, cells: Any, fields: list[Any] | None, problems: list[Problem]
    ) -> None:
        if not self.sqlite:
            self.pending.append((number, cells, fields, problems))
            if len(self.pending) >= CHUNK_ROWS:
                self.flush()
            return
        raw_id = self.next_id
        self.next_id += 1
        self.raw.append((raw_id, self.batch_id, number, to_json(cells)))
        if fields is not None:
            self.records.append(
                (raw_id, self.batch_id, self.source_id, number, row_hash(fields), *fields,
                 *_parsed_name(fields))
            )  # fmt: skip
        for p in problems:
            self.quarantine.append(
                (self.batch_id, raw_id, number, p.column, p.value, p.reason, _words(p.reason))
            )
        if len(self.raw) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.sqlite:
            if self._error is not None:
                raise self._error
            if self.raw:
                self._queue.put((self.raw, self.records, self.quarantine))
                # new lists, not clear(): the writer thread still holds the old ones
                self.raw, self.records, self.quarantine = [], [], []
            return
        if not self.pending:
            return
        if self.method == "copy":
            # nextval() hands each session its own ids, so two imports at once never collide.
            ids = self.conn.execute(
                select(func.nextval(func.pg_get_serial_sequence(raw_rows.name, "id"))).select_from(
                    func.generate_series(1, len(self.pending))
                )
            ).scalars()
        else:
            ids = self.conn.execute(
                insert(raw_rows).returning(raw_rows.c.id, sort_by_parameter_order=True),
                [
                    {"batch_id": self.batch_id, "row_number": number, "cells": cells}
                    for number, cells, _, _ in self.pending
                ],
            ).scalars()
        copy = self.method == "copy"
        raw = []
        for raw_id, (number, cells, fields, problems) in zip(ids, self.pending, strict=True):
            if copy:
                raw.append((raw_id, self.batch_id, number, to_json(cells)))
            if fields is not None:
                self.records.append(
                    (raw_id, self.batch_id, self.source_id, number, row_hash(fields), *fields,
                     *_parsed_name(fields))
                )  # fmt: skip
            for p in problems:
                self.quarantine.append(
                    (self.batch_id, raw_id, number, p.column, p.value, p.reason, _words(p.reason))
                )
        self._insert(raw, self.records, self.quarantine)
        self.records.clear()
        self.quarantine.clear()
        self.pending.clear()

    def close(self) -> None:
        """Wait for the writer thread; raise what it met."""
        if self._thread is None:
            return
        self._queue.put(None)
        self._thread.join()
        self._thread = None
        if self._error is not None:
            raise self._error
