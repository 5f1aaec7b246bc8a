"""Record identity stored once; row hashes for finding a list imported twice; retraction.

Until now a record's key was recomputed by every link from the whole registry
(``SOURCE|id:N`` while N was unique in the source, else ``SOURCE|row:SHA:ROW``), so a second
file numbered from 1 changed the keys of the first file's records and the decisions made
about them matched nobody. This migration stores for every record the key it has today: the
key under which it was last linked (the key review decisions and consent were given on),
else the key the old rule gives now. A key already taken (the same file forced in twice,
which broke linkage) goes to the earlier record; the later one is told apart by its batch.

Revision ID: 0006_identity_record_keys
Revises: 0001_core
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006_identity_record_keys"
down_revision = "0001_core"
branch_labels = None
# The keys under which records were last linked live in the link tables.
depends_on = "0002_link"

_CHUNK = 5000


def upgrade() -> None:
    op.add_column("records", sa.Column("record_key", sa.Text))
    op.add_column("records", sa.Column("row_hash", sa.String(16)))
    op.add_column(
        "records",
        sa.Column("retracted", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column("import_batches", sa.Column("imported_by", sa.String(200)))
    op.add_column("import_batches", sa.Column("retracted_at", sa.DateTime(timezone=True)))
    op.add_column("import_batches", sa.Column("retracted_by", sa.String(200)))
    op.add_column("import_batches", sa.Column("retraction_reason", sa.Text))
    _store_keys(op.get_bind())
    op.create_index("ix_records_batch", "records", ["batch_id"])
    op.create_index("ix_records_row_hash", "records", ["row_hash"])
    live = sa.text("retracted = false") if _pg() else sa.text("retracted = 0")
    op.create_index(
        "ux_records_live_key",
        "records",
        ["record_key"],
        unique=True,
        sqlite_where=live,
        postgresql_where=live,
    )


def _pg() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def _store_keys(conn: sa.Connection) -> None:
    from qantar.ingest._identity import row_hash
    from qantar.ingest._normalise import RECORD_FIELDS

    meta = sa.MetaData()
    records = sa.Table("records", meta, autoload_with=conn)
    batches = sa.Table("import_batches", meta, autoload_with=conn)
    sources = sa.Table("sources", meta, autoload_with=conn)
    linked: dict[int, str] = {}
    inspector = sa.inspect(conn)
    # person_records last, so it wins: consent was given on the keys of persons' records.
    for name in ("link_features", "person_records"):
        if inspector.has_table(name):
            table = sa.Table(name, meta, autoload_with=conn)
            linked.update(
                (int(i), str(k))
                for i, k in conn.execute(sa.select(table.c.record_id, table.c.record_key))
            )
    shared = {
        (str(s), str(i))
        for s, i in conn.execute(
            sa.select(sources.c.name, records.c.source_record_id)
            .join(sources, sources.c.id == records.c.source_id)
            .where(records.c.source_record_id.is_not(None), records.c.source_record_id != "")
            .group_by(sources.c.name, records.c.source_record_id)
            .having(sa.func.count() > 1)
        )
    }
    query = (
        sa.select(records, sources.c.name.label("qantar_source"), batches.c.sha256)
        .join(sources, sources.c.id == records.c.source_id)
        .join(batches, batches.c.id == records.c.batch_id)
        .order_by(records.c.id)
    )
    taken: Counter[str] = Counter()
    updates: list[dict[str, Any]] = []
    stmt = (
        sa.update(records)
        .where(records.c.id == sa.bindparam("rid"))
        .values(record_key=sa.bindparam("key"), row_hash=sa.bindparam("hash"))
    )
    rows = conn.execute(query).mappings().all()
    for r in rows:
        source, srid = r["qantar_source"], r["source_record_id"]
        key = linked.get(int(r["id"]))
        if key is None:
            # The rule every link applied until now, for records never linked.
            if srid and (source, str(srid)) not in shared:
                key = f"{source}|id:{srid}"
            else:
                key = f"{source}|row:{r['sha256'][:16]}:{r['row_number']}"
        if taken[key]:
            key = f"{source}|batch:{r['batch_id']}:row:{r['row_number']}"
        taken[key] += 1
        updates.append(
            {"rid": r["id"], "key": key, "hash": row_hash([r[name] for name in RECORD_FIELDS])}
        )
        if len(updates) >= _CHUNK:
            conn.execute(stmt, updates)
            updates = []
    if updates:
        conn.execute(stmt, updates)


def downgrade() -> None:
    op.drop_index("ux_records_live_key", "records")
    op.drop_index("ix_records_row_hash", "records")
    op.drop_index("ix_records_batch", "records")
    with op.batch_alter_table("records") as batch:
        batch.drop_column("retracted")
        batch.drop_column("row_hash")
        batch.drop_column("record_key")
    with op.batch_alter_table("import_batches") as batch:
        for name in ("retraction_reason", "retracted_by", "retracted_at", "imported_by"):
            batch.drop_column(name)
