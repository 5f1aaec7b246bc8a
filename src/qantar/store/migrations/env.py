"""Alembic environment: the engine is handed over by qantar.store.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import func, select

# Any fixed number: the key of the lock that lets one upgrade run at a time on a server.
MIGRATION_LOCK = 0x71616E746172  # "qantar"

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    if connection.dialect.name == "postgresql":
        # Every command upgrades the schema when it opens a project; on a team server two
        # members may open one at the same moment. The lock (released at commit) makes the
        # second wait and then find the schema already current. SQLite's write lock does
        # the same there.
        connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
    context.configure(connection=connection, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
