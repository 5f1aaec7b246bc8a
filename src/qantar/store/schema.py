"""The tables, as SQLAlchemy Core: bulk inserts of raw rows stay fast and explicit.

Raw rows are never edited; records are derived from them and can be rebuilt. Later
features (persons, link decisions, evidence, officials) add their tables through their
own Alembic migrations and define their tables in their own modules on this metadata.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
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
)
