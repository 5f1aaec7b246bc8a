"""Each record's parsed name, stored once at import and read by linkage and publication.

Until now linkage and publication parsed the name fields each with its own rules (only
linkage set aside placeholders such as «неизвестный»), so the memorial could disagree with
the linkage. The parse now runs once, when a record is stored; this migration parses the
records already stored, in chunks.

Revision ID: 0007_store_parsed_names
Revises: 0006_identity_record_keys
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_store_parsed_names"
down_revision = "0006_identity_record_keys"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("name_surname", sa.Text),
    ("name_given", sa.Text),
    ("name_patronymic", sa.Text),
    ("name_given_initial", sa.String(4)),
    ("name_patronymic_initial", sa.String(4)),
    ("name_sex", sa.String(1)),
    ("name_script", sa.String(20)),
    ("name_parsed", sa.Integer),
)


def upgrade() -> None:
    for name, kind in _COLUMNS:
        op.add_column("records", sa.Column(name, kind))
    # The parse itself is qantar's (one rule for every record, old or new).
    from qantar.store.readers import fill_parsed_names

    fill_parsed_names(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("records") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
