"""Chosen spellings: which list's spelling of a person's name the memorial shows.

Revision ID: 0006_public_name_choices
Revises: 0005_publish
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_public_name_choices"
down_revision = "0005_publish"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "name_choices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("record_key", sa.Text, nullable=False),
        sa.Column("person_id", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_name_choices_record", "name_choices", ["record_key"])


def downgrade() -> None:
    op.drop_index("ix_name_choices_record", "name_choices")
    op.drop_table("name_choices")
