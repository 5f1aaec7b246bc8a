"""The team's review queue: the stored queue, leases, skips, and adjudications.

Revision ID: 0008_queue_review
Revises: 0006_events_decisions
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_queue_review"
down_revision = "0006_events_decisions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every decision already stored is a reviewer's, not an admin's ruling.
    with op.batch_alter_table("review_decisions") as batch:
        batch.add_column(
            sa.Column("adjudication", sa.Boolean, nullable=False, server_default=sa.false())
        )
    op.create_table(
        "review_queue_builds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "review_queue",
        sa.Column(
            "build_id", sa.Integer, sa.ForeignKey("review_queue_builds.id"), primary_key=True
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("record_key_a", sa.Text, nullable=False),
        sa.Column("record_key_b", sa.Text, nullable=False),
        sa.Column("record_id_l", sa.Integer, nullable=False),
        sa.Column("record_id_r", sa.Integer, nullable=False),
        sa.Column("flipped", sa.Boolean, nullable=False),
        sa.Column("match_probability", sa.Float, nullable=False),
        sa.Column("match_weight", sa.Float, nullable=False),
        sa.Column("priority", sa.Float, nullable=False),
        sa.Column("linked", sa.Boolean, nullable=False),
        sa.Column("near", sa.Boolean, nullable=False),
        sa.Column("explain", sa.JSON, nullable=False),
    )
    op.create_index("ix_review_queue_pair", "review_queue", ["record_key_a", "record_key_b"])
    op.create_table(
        "review_leases",
        sa.Column("record_key_a", sa.Text, primary_key=True),
        sa.Column("record_key_b", sa.Text, primary_key=True),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_review_leases_reviewer", "review_leases", ["reviewer"])
    op.create_table(
        "review_skips",
        sa.Column("build_id", sa.Integer, primary_key=True),
        sa.Column("record_key_a", sa.Text, primary_key=True),
        sa.Column("record_key_b", sa.Text, primary_key=True),
        sa.Column("reviewer", sa.String(200), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("review_skips")
    op.drop_index("ix_review_leases_reviewer", "review_leases")
    op.drop_table("review_leases")
    op.drop_index("ix_review_queue_pair", "review_queue")
    op.drop_table("review_queue")
    op.drop_table("review_queue_builds")
    with op.batch_alter_table("review_decisions") as batch:
        batch.drop_column("adjudication")
