"""The consent table, on the shared metadata; migration ``0005_publish`` creates it.

Publication decisions are human data: appended, never updated, with who and when. Each
row also keeps the stable record keys of the person at decision time, so that a decision
follows the person's records if a later link run gives them another person id.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Index, Integer, String, Table, Text

from qantar.store.schema import metadata

publication_decisions = Table(
    "publication_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", String(20), nullable=False),
    Column("record_keys", JSON, nullable=False),
    Column("status", String(20), nullable=False),
    Column("decided_by", String(200), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
    Index("ix_publication_decisions_person", "person_id"),
)
