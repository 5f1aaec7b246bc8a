"""Event-type decisions: what a person decided happened, for records whose lists disagree.

Revision ID: 0006_events_decisions
Revises: 0002_link
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_events_decisions"
down_revision = "0002_link"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_type_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("record_keys", sa.JSON, nullable=False),
        sa.Column("event_types", sa.JSON, nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("event_type_decisions")
