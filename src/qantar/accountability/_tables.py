"""Accountability tables on the shared metadata (migration 0004_accountability).

Entities (persons, units, positions, occupancies, relations, assets) are stored as
FollowTheMoney dictionaries, verbatim: what comes in from OpenSanctions or Aleph goes out
unchanged. What FtM has no schema for (a responsibility claim about an incident, the
evidence and victims behind it, contrary information) lives in plain tables beside them.
Whether a victim's name may be shown is decided by qantar.publish, not stored here.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from qantar.store.schema import incidents, metadata, records

entities = Table(
    "acc_entities",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("schema", String(64), nullable=False),
    # The FtM dict exactly as exported (id, schema, properties and any context keys).
    Column("data", JSON, nullable=False),
    Column("checksum", String(40), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Index("ix_acc_entities_schema", "schema"),
)

responsibility = Table(
    "acc_responsibility",
    metadata,
    Column("id", Integer, primary_key=True),
    # A Person or an Organization/PublicBody (a unit) in acc_entities.
    Column("actor_id", String(255), ForeignKey("acc_entities.id"), nullable=False),
    Column("incident_id", Integer, ForeignKey(incidents.c.id), nullable=False),
    Column("role", String(20), nullable=False),
    # Abuse categories the link alleges (extrajudicial_killing, torture, ...).
    Column("abuses", JSON, nullable=False),
    Column("source", Text, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("note", Text),
    Column("created_by", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Index("ix_acc_responsibility_actor", "actor_id"),
)

responsibility_evidence = Table(
    "acc_responsibility_evidence",
    metadata,
    Column("responsibility_id", Integer, ForeignKey("acc_responsibility.id"), nullable=False),
    Column("item_sha256", String(64), ForeignKey("evidence_items.sha256"), nullable=False),
    UniqueConstraint("responsibility_id", "item_sha256"),
)

responsibility_victims = Table(
    "acc_responsibility_victims",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("responsibility_id", Integer, ForeignKey("acc_responsibility.id"), nullable=False),
    # A registry record, or an opaque linkage person id (persons may be rebuilt: no FK).
    Column("record_id", Integer, ForeignKey(records.c.id)),
    Column("person_id", String(80)),
    Column("category", String(40)),
)

contrary = Table(
    "acc_contrary",
    metadata,
    Column("id", Integer, primary_key=True),
    # About a target (entity), an incident, or the events as a whole (both empty).
    Column("subject_id", String(255), ForeignKey("acc_entities.id")),
    Column("incident_id", Integer, ForeignKey(incidents.c.id)),
    Column("statement", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("response", Text),
    Column("created_at", String(32), nullable=False),
)

__all__ = [
    "contrary",
    "entities",
    "responsibility",
    "responsibility_evidence",
    "responsibility_victims",
]
