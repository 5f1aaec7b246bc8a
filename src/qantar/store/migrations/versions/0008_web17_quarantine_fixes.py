"""A quarantined row fixed by hand: who fixed it, when, which fields, and its record.

The entry is kept (a decision a person made is never lost); existing entries are unfixed.

Revision ID: 0008_web17_quarantine_fixes
Revises: 0007_store_parsed_names
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_web17_quarantine_fixes"
down_revision = "0007_store_parsed_names"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("fixed_at", sa.DateTime(timezone=True)),
    ("fixed_by", sa.String(200)),
    ("fixed_fields", sa.JSON),
    ("fixed_record_id", sa.Integer),
)


def upgrade() -> None:
    for name, kind in _COLUMNS:
        op.add_column("quarantine", sa.Column(name, kind))


def downgrade() -> None:
    with op.batch_alter_table("quarantine") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
