"""A quarantine reason's words: its catalog message and parameters beside its English text.

The English ``reason`` stays as it was; ``reason_words`` lets a page say it in Kazakh or
Russian (``qantar.notes``). Entries stored before have none and are shown as written.

Revision ID: 0009_quar_reason_words
Revises: 0008_web17_quarantine_fixes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_quar_reason_words"
down_revision = "0008_web17_quarantine_fixes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("quarantine", sa.Column("reason_words", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("quarantine") as batch:
        batch.drop_column("reason_words")
