"""The shared tables, as SQLAlchemy Core: bulk inserts of raw rows stay fast and explicit.

The store owns every table more than one area reads: the registry (sources, import
batches, raw rows, records, quarantine), the linked persons (``persons``,
``person_records``, written by ``qantar.link``) and ``incidents`` (written by
``qantar.evidence``). Areas read them through ``qantar.store`` (the readers in
``qantar.store.readers``), never by a table's name. Tables private to one area (link's
pairs and decisions, evidence's items and custody, publish's consent...) are defined in
that area's ``_tables`` module on this metadata, and only that area reads them.

Raw rows are never edited; records are derived from them and can be rebuilt.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData()

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

import_batches = Table(
    "import_batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("file_format", String(20), nullable=False),
    Column("encoding", String(40)),
    Column("delimiter", String(4)),
    Column("sheet", Text),
    Column("headers", JSON, nullable=False),
    Column("mapping", JSON, nullable=False),
    Column("rows_read", Integer, nullable=False, default=0),
    Column("rows_stored", Integer, nullable=False, default=0),
    Column("rows_quarantined", Integer, nullable=False, default=0),
    Column("forced", Boolean, nullable=False, default=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("imported_by", String(200)),
    # A retracted batch (``qantar import --undo``): its records leave the registry, its raw
    # rows stay; who took it back, when and why.
    Column("retracted_at", DateTime(timezone=True)),
    Column("retracted_by", String(200)),
    Column("retraction_reason", Text),
    Index("ix_import_batches_sha256", "sha256"),
)

raw_rows = Table(
    "raw_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False),
    Column("row_number", Integer, nullable=False),
    # Every cell as the file held it, in file order, including columns nobody mapped.
    Column("cells", JSON, nullable=False),
    UniqueConstraint("batch_id", "row_number"),
)

records = Table(
    "records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("raw_row_id", Integer, ForeignKey("raw_rows.id"), nullable=False, unique=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False),
    Column("row_number", Integer, nullable=False),
    Column("source_record_id", Text),
    Column("name_raw", Text),
    Column("surname_raw", Text),
    Column("given_raw", Text),
    Column("patronymic_raw", Text),
    Column("sex_raw", Text),
    Column("sex", String(1), nullable=False, default="U"),
    Column("birth_date_raw", Text),
    Column("birth_date", String(10)),
    Column("birth_date_precision", String(5)),
    Column("age_raw", Text),
    Column("age", Integer),
    Column("event_type_raw", Text),
    Column("event_type", String(20)),
    Column("event_date_raw", Text),
    Column("event_date", String(10)),
    Column("event_date_precision", String(5)),
    Column("place_raw", Text),
    Column("place_id", String(40)),
    Column("notes", Text),
    # The name as parsed when the record was stored (qantar.names.parse_record), read by
    # linkage and publication alike; ``name_parsed`` is the parse's version, NULL until
    # parsed (qantar.store.readers.fill_parsed_names).
    Column("name_surname", Text),
    Column("name_given", Text),
    Column("name_patronymic", Text),
    Column("name_given_initial", String(4)),
    Column("name_patronymic_initial", String(4)),
    Column("name_sex", String(1)),
    Column("name_script", String(20)),
    Column("name_parsed", Integer),
    # The record's identity, assigned once when it is stored and never recomputed: review
    # decisions and consent refer to it (see qantar.ingest._identity).
    Column("record_key", Text),
    # A hash of the row's mapped values: the same list saved again is found by its rows.
    Column("row_hash", String(16)),
    # True once its batch is retracted: no reader of the registry sees it any more.
    Column("retracted", Boolean, nullable=False, default=False),
    Index("ix_records_source", "source_id"),
    Index("ix_records_batch", "batch_id"),
    Index("ix_records_row_hash", "row_hash"),
)

LIVE = records.c.retracted == false()
"""Records in the registry (not retracted); the condition of the unique key index."""

Index(
    "ux_records_live_key",
    records.c.record_key,
    unique=True,
    sqlite_where=LIVE,
    postgresql_where=LIVE,
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False),
    Column("raw_row_id", Integer, ForeignKey("raw_rows.id")),
    Column("row_number", Integer, nullable=False),
    Column("column", Text),
    Column("value", Text),
    Column("reason", Text, nullable=False),
    # The reason's catalog message and parameters (qantar.notes.Note.to_json), so a page
    # can word it in the reader's language; None for entries stored before (0009).
    Column("reason_words", JSON),
    # A row held back whole and later fixed by hand (qantar.ingest.fix_quarantined): the
    # entry stays, saying who fixed it, when, which fields were corrected (names of fields,
    # never values) and the record the row became.
    Column("fixed_at", DateTime(timezone=True)),
    Column("fixed_by", String(200)),
    Column("fixed_fields", JSON),
    Column("fixed_record_id", Integer),
)


# The linked persons of the latest link run. Written by qantar.link only (its runs are
# private to it, hence the foreign keys by name); read by publish, accountability and
# ingest through the readers in qantar.store.readers.
persons = Table(
    "persons",
    metadata,
    Column("person_id", String(20), primary_key=True),
    Column("first_run_id", Integer, ForeignKey("link_runs.id"), nullable=False),
    Column("last_run_id", Integer, ForeignKey("link_runs.id"), nullable=False),
    Column("size", Integer, nullable=False),
    Column("weak", Boolean, nullable=False),
    Column("density", Float, nullable=False),
    Column("active", Boolean, nullable=False),
)

person_records = Table(
    "person_records",
    metadata,
    Column("record_key", Text, primary_key=True),
    Column("person_id", String(20), ForeignKey("persons.person_id"), nullable=False),
    Column("record_id", Integer, ForeignKey("records.id"), nullable=False),
    Index("ix_person_records_person", "person_id"),
)


# Incidents: written by qantar.evidence (``add_incident``), cited by accountability.
incidents = Table(
    "incidents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("date", String(10)),
    Column("date_precision", String(5)),
    Column("date_raw", Text),
    Column("place_raw", Text),
    Column("place_id", String(40)),
    Column("description", Text, nullable=False),
    Column("type", String(40), nullable=False),
    Column("created_at", String(32), nullable=False),
)
