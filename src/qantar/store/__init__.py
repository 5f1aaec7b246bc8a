"""The store: one SQLAlchemy engine per project, schema managed by Alembic migrations; it
owns the tables areas share (``schema``), their readers (``readers``) and the persons' writer
(``persons``)."""

from qantar.store.bulk import bulk_insert
from qantar.store.engine import connect, migrate
from qantar.store.move import copy_database, move_project
from qantar.store.schema import import_batches, metadata, quarantine, raw_rows, records, sources

__all__ = [
    "bulk_insert",
    "connect",
    "copy_database",
    "import_batches",
    "metadata",
    "migrate",
    "move_project",
    "quarantine",
    "raw_rows",
    "records",
    "sources",
]
