"""The language an account reads the web app in (None: the browser's choice).

Revision ID: 0008_web17_user_language
Revises: 0007_web_accounts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_web17_user_language"
down_revision = "0007_web_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("language", sa.String(8)))


def downgrade() -> None:
    # Not a batch (copy and rename): sessions and the audit tables point at users, and
    # SQLite refuses to drop a table others refer to. SQLite 3.35+ drops a column in place.
    op.execute("ALTER TABLE users DROP COLUMN language")
