"""Evidence archive: items, collection records, custody log, incidents, links, metadata,
perceptual hashes, claims, consents, RFC 3161 tokens.

Revision ID: 0003_evidence
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_evidence"
down_revision = "0001_core"
branch_labels = ("evidence",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_items",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("sha512", sa.String(128), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("original_name", sa.Text, nullable=False),
        sa.Column("added_at", sa.String(32), nullable=False),
        sa.Column("parent_sha256", sa.String(64), sa.ForeignKey("evidence_items.sha256")),
        sa.Column("transform", sa.JSON),
    )
    op.create_table(
        "evidence_collections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_sha256", sa.String(64), sa.ForeignKey("evidence_items.sha256"), nullable=False),
        sa.Column("collected_by", sa.Text, nullable=False),
        sa.Column("collected_at", sa.Text, nullable=False),
        sa.Column("collected_at_source", sa.Text, nullable=False),
        sa.Column("source_url", sa.Text, nullable=False),
        sa.Column("place", sa.Text, nullable=False),
        sa.Column("how", sa.Text, nullable=False),
        sa.Column("from_whom", sa.Text, nullable=False),
        sa.Column("original_name", sa.Text, nullable=False),
        sa.Column("original_path", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("custody_seq", sa.Integer),
    )
    op.create_index("ix_evidence_collections_item", "evidence_collections", ["item_sha256"])
    op.create_table(
        "custody_events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("time", sa.String(32), nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("items", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("event_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("date", sa.String(10)),
        sa.Column("date_precision", sa.String(5)),
        sa.Column("date_raw", sa.Text),
        sa.Column("place_raw", sa.Text),
        sa.Column("place_id", sa.String(40)),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "evidence_incidents",
        sa.Column("item_sha256", sa.String(64), sa.ForeignKey("evidence_items.sha256"), nullable=False),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False),
        sa.Column("linked_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("item_sha256", "incident_id"),
    )
    op.create_table(
        "evidence_persons",
        sa.Column("item_sha256", sa.String(64), sa.ForeignKey("evidence_items.sha256"), nullable=False),
        sa.Column("person_id", sa.String(80), nullable=False),
        sa.Column("linked_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("item_sha256", "person_id"),
    )
    op.create_table(
        "evidence_metadata",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_sha256", sa.String(64), sa.ForeignKey("evidence_items.sha256"), nullable=False),
        sa.Column("tool", sa.String(40), nullable=False),
        sa.Column("tool_version", sa.String(40), nullable=False),
        sa.Column("raw", sa.JSON, nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.Column("flags", sa.JSON, nullable=False),
    )
    op.create_index("ix_evidence_metadata_item", "evidence_metadata", ["item_sha256"])
    op.create_table(
        "perceptual_hashes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_sha256", sa.String(64), sa.ForeignKey("evidence_items.sha256"), nullable=False),
        sa.Column("algo", sa.String(20), nullable=False),
        sa.Column("variant", sa.String(40), nullable=False),
        sa.Column("hash", sa.String(128), nullable=False),
        sa.Column("quality", sa.Integer),
    )
    op.create_index("ix_perceptual_hashes_item", "perceptual_hashes", ["item_sha256"])
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_sha256", sa.String(64), sa.ForeignKey("evidence_items.sha256"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("confidence", sa.Float),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("custody_seq", sa.Integer),
    )
    op.create_table(
        "evidence_consents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_sha256", sa.String(64), sa.ForeignKey("evidence_items.sha256"), nullable=False),
        sa.Column("person_id", sa.String(80)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("custody_seq", sa.Integer),
    )
    op.create_table(
        "timestamp_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("custody_seq", sa.Integer, sa.ForeignKey("custody_events.seq"), nullable=False),
        sa.Column("tsa", sa.Text, nullable=False),
        sa.Column("token", sa.LargeBinary, nullable=False),
        sa.Column("nonce", sa.String(40), nullable=False),
        sa.Column("gen_time", sa.String(32), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "timestamp_tokens",
        "evidence_consents",
        "claims",
        "perceptual_hashes",
        "evidence_metadata",
        "evidence_persons",
        "evidence_incidents",
        "incidents",
        "custody_events",
        "evidence_collections",
        "evidence_items",
    ):
        op.drop_table(table)
