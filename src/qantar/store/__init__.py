"""The store: one SQLAlchemy engine per project, schema managed by Alembic migrations."""

from qantar.store.bulk import bulk_insert
from qantar.store.engine import connect, migrate
from qantar.store.schema import import_batches, metadata, quarantine, raw_rows, records, sources

__all__ = [
    "bulk_insert",
    "connect",
    "import_batches",
    "metadata",
    "migrate",
    "quarantine",
    "raw_rows",
    "records",
    "sources",
]
