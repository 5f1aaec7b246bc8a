"""Publication decisions (consent): who decided what may be shown of a person, and when.

Revision ID: 0005_publish
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_publish"
down_revision = "0001_core"
branch_labels = ("publish",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publication_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.String(20), nullable=False),
        sa.Column("record_keys", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_index(
        "ix_publication_decisions_person", "publication_decisions", ["person_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_publication_decisions_person", "publication_decisions")
    op.drop_table("publication_decisions")
