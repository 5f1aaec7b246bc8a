"""Core registry: sources, import batches, raw rows, records, quarantine.

Revision ID: 0001_core
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("file_format", sa.String(20), nullable=False),
        sa.Column("encoding", sa.String(40)),
        sa.Column("delimiter", sa.String(4)),
        sa.Column("sheet", sa.Text),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("mapping", sa.JSON, nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("rows_stored", sa.Integer, nullable=False),
        sa.Column("rows_quarantined", sa.Integer, nullable=False),
        sa.Column("forced", sa.Boolean, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_import_batches_sha256", "import_batches", ["sha256"])
    op.create_table(
        "raw_rows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batches.id"), nullable=False),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("cells", sa.JSON, nullable=False),
        sa.UniqueConstraint("batch_id", "row_number"),
    )
    op.create_table(
        "records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("raw_row_id", sa.Integer, sa.ForeignKey("raw_rows.id"), nullable=False, unique=True),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batches.id"), nullable=False),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("source_record_id", sa.Text),
        sa.Column("name_raw", sa.Text),
        sa.Column("surname_raw", sa.Text),
        sa.Column("given_raw", sa.Text),
        sa.Column("patronymic_raw", sa.Text),
        sa.Column("sex_raw", sa.Text),
        sa.Column("sex", sa.String(1), nullable=False),
        sa.Column("birth_date_raw", sa.Text),
        sa.Column("birth_date", sa.String(10)),
        sa.Column("birth_date_precision", sa.String(5)),
        sa.Column("age_raw", sa.Text),
        sa.Column("age", sa.Integer),
        sa.Column("event_type_raw", sa.Text),
        sa.Column("event_type", sa.String(20)),
        sa.Column("event_date_raw", sa.Text),
        sa.Column("event_date", sa.String(10)),
        sa.Column("event_date_precision", sa.String(5)),
        sa.Column("place_raw", sa.Text),
        sa.Column("place_id", sa.String(40)),
        sa.Column("notes", sa.Text),
    )
    op.create_index("ix_records_source", "records", ["source_id"])
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batches.id"), nullable=False),
        sa.Column("raw_row_id", sa.Integer, sa.ForeignKey("raw_rows.id")),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("column", sa.Text),
        sa.Column("value", sa.Text),
        sa.Column("reason", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("quarantine", "records", "raw_rows", "import_batches", "sources"):
        op.drop_table(table)
