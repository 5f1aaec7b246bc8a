"""Evidence tables on the shared metadata (migration 0003_evidence).

Items are named by their SHA-256; everything about an item that is not its bytes
(collection records, metadata, claims, links) lives in separate rows, so that adding
knowledge never touches the object (EI-1, EI-14).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from qantar.store.schema import incidents as incidents
from qantar.store.schema import metadata

evidence_items = Table(
    "evidence_items",
    metadata,
    # The content is the identity (EI-3): the full SHA-256, hex.
    Column("sha256", String(64), primary_key=True),
    Column("sha512", String(128), nullable=False),
    Column("size", Integer, nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("original_name", Text, nullable=False),
    Column("added_at", String(32), nullable=False),
    # Derivatives (EI-6): a stripped or redacted copy points at its parent.
    Column("parent_sha256", String(64), ForeignKey("evidence_items.sha256")),
    Column("transform", JSON),
)

evidence_collections = Table(
    "evidence_collections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_sha256", String(64), ForeignKey("evidence_items.sha256"), nullable=False),
    # Berkeley collection record (EI-4); "unknown" when not given, never invented.
    Column("collected_by", Text, nullable=False),
    Column("collected_at", Text, nullable=False),
    Column("collected_at_source", Text, nullable=False),
    Column("source_url", Text, nullable=False),
    Column("place", Text, nullable=False),
    Column("how", Text, nullable=False),
    Column("from_whom", Text, nullable=False),
    Column("original_name", Text, nullable=False),
    Column("original_path", Text),
    Column("note", Text),
    Column("recorded_at", String(32), nullable=False),
    Column("custody_seq", Integer),
    Index("ix_evidence_collections_item", "item_sha256"),
)

custody_events = Table(
    "custody_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("time", String(32), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(40), nullable=False),
    Column("items", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    Column("details", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("event_hash", String(64), nullable=False, unique=True),
    Column("signature", String(128), nullable=False),
    Column("key_id", String(64), nullable=False),
)

evidence_incidents = Table(
    "evidence_incidents",
    metadata,
    Column("item_sha256", String(64), ForeignKey("evidence_items.sha256"), nullable=False),
    Column("incident_id", Integer, ForeignKey(incidents.c.id), nullable=False),
    Column("linked_at", String(32), nullable=False),
    UniqueConstraint("item_sha256", "incident_id"),
)

evidence_persons = Table(
    "evidence_persons",
    metadata,
    Column("item_sha256", String(64), ForeignKey("evidence_items.sha256"), nullable=False),
    # Person ids come from the linkage step and may be rebuilt: no foreign key.
    Column("person_id", String(80), nullable=False),
    Column("linked_at", String(32), nullable=False),
    UniqueConstraint("item_sha256", "person_id"),
)

evidence_metadata = Table(
    "evidence_metadata",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_sha256", String(64), ForeignKey("evidence_items.sha256"), nullable=False),
    Column("tool", String(40), nullable=False),
    Column("tool_version", String(40), nullable=False),
    # Verbatim as the tool read it (EI-5), plus the few fields we summarise.
    Column("raw", JSON, nullable=False),
    Column("summary", JSON, nullable=False),
    Column("flags", JSON, nullable=False),
    Index("ix_evidence_metadata_item", "item_sha256"),
)

perceptual_hashes = Table(
    "perceptual_hashes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_sha256", String(64), ForeignKey("evidence_items.sha256"), nullable=False),
    Column("algo", String(20), nullable=False),
    Column("variant", String(40), nullable=False),
    Column("hash", String(128), nullable=False),
    Column("quality", Integer),
    Index("ix_perceptual_hashes_item", "item_sha256"),
)

claims = Table(
    "claims",
    metadata,
    # Annotations and analysis are not evidence (EI-14, EI-17): they point at an item.
    Column("id", Integer, primary_key=True),
    Column("item_sha256", String(64), ForeignKey("evidence_items.sha256"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("body", JSON, nullable=False),
    Column("author", Text, nullable=False),
    Column("confidence", Float),
    Column("created_at", String(32), nullable=False),
    Column("custody_seq", Integer),
)

consents = Table(
    "evidence_consents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_sha256", String(64), ForeignKey("evidence_items.sha256"), nullable=False),
    Column("person_id", String(80)),
    Column("status", String(20), nullable=False),
    Column("scope", Text, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", String(32), nullable=False),
    Column("record_hash", String(64), nullable=False),
    Column("custody_seq", Integer),
)

timestamp_tokens = Table(
    "timestamp_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    # The token covers this event's hash (the head of the chain at the time).
    Column("custody_seq", Integer, ForeignKey("custody_events.seq"), nullable=False),
    Column("tsa", Text, nullable=False),
    Column("token", LargeBinary, nullable=False),
    Column("nonce", String(40), nullable=False),
    Column("gen_time", String(32), nullable=False),
    Column("created_at", String(32), nullable=False),
)

__all__ = [
    "claims",
    "consents",
    "custody_events",
    "evidence_collections",
    "evidence_incidents",
    "evidence_items",
    "evidence_metadata",
    "evidence_persons",
    "incidents",
    "perceptual_hashes",
    "timestamp_tokens",
]
