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

# Which list's spelling of a person's name is published (a person's own spelling, chosen by
# someone who knows the family). Keyed by the stable record key of the chosen spelling, so
# that the choice follows that record through re-links; appended, never updated.
name_choices = Table(
    "name_choices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_key", Text, nullable=False),
    Column("person_id", String(20), nullable=False),
    Column("decided_by", String(200), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Index("ix_name_choices_record", "record_key"),
)
