"""The linkage tables, on the shared metadata; migration ``0002_link`` creates them.

Features, runs, scored pairs and persons are derived and rebuilt by every run. Review
decisions are human data: they are keyed by stable record identity (source name plus the
source's record id, or the import file's SHA-256 and row number), never by an
autoincrement id, so that they survive re-imports and re-runs.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.sql.expression import false

from qantar.store.schema import metadata, records
from qantar.store.schema import person_records as person_records
from qantar.store.schema import persons as persons

link_features = Table(
    "link_features",
    metadata,
    Column("record_id", Integer, ForeignKey(records.c.id), primary_key=True),
    Column("record_key", Text, nullable=False),
    # Bumped when the way features are computed changes, so stale rows are recomputed.
    Column("version", Integer, nullable=False),
    Column("source", String(200), nullable=False),
    Column("surname_lat", Text),
    Column("given_lat", Text),
    Column("patronymic_lat", Text),
    Column("surname_key", Text),
    Column("given_key", Text),
    Column("patronymic_key", Text),
    Column("surname_ph", Text),
    Column("given_ph", Text),
    Column("given_initial", String(4)),
    Column("patronymic_initial", String(4)),
    Column("surname_sk", Text),
    Column("given_sk", Text),
    Column("full_key", Text),
    Column("sex", String(1)),
    Column("birth_date", String(10)),
    Column("birth_year", Integer),
    Column("birth_year_from_age", Boolean),
    Column("event_date", String(10)),
    Column("place_id", String(40)),
    Column("region_id", String(40)),
    Index("ix_link_features_record_key", "record_key"),
)

link_runs = Table(
    "link_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("seed", Integer, nullable=False),
    Column("threshold", Float, nullable=False),
    Column("backend", String(20), nullable=False),
    # Paths relative to the project folder: settings and the trained model as Splink JSON.
    Column("model_path", Text),
    Column("summary", JSON, nullable=False),
)

link_pairs = Table(
    "link_pairs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("link_runs.id"), nullable=False),
    Column("record_id_l", Integer, ForeignKey(records.c.id), nullable=False),
    Column("record_id_r", Integer, ForeignKey(records.c.id), nullable=False),
    Column("match_probability", Float, nullable=False),
    Column("match_weight", Float, nullable=False),
    # Per comparison: level label and its match weight, so a score explains itself.
    Column("explain", JSON, nullable=False),
    Index("ix_link_pairs_run", "run_id"),
)

review_decisions = Table(
    "review_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    # The two stable record keys, in sorted order: decisions outlive record ids.
    Column("record_key_a", Text, nullable=False),
    Column("record_key_b", Text, nullable=False),
    Column("decision", String(10), nullable=False),
    Column("reviewer", String(200), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
    # An admin's ruling on a pair reviewers decided differently: it settles the pair.
    Column("adjudication", Boolean, nullable=False, server_default=false(), default=False),
    Index("ix_review_decisions_pair", "record_key_a", "record_key_b"),
)

# The review queue of a team (migration ``0008_queue_review``): the ordered queue, built
# once per link run or re-cluster (``review_queue_builds``; building it costs a scan of every
# scored pair), and who holds which pair now (a lease that expires). Derived or transient:
# the decisions stay in ``review_decisions``.
review_queue_builds = Table(
    "review_queue_builds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, nullable=False),
    Column("built_at", DateTime(timezone=True), nullable=False),
    Column("size", Integer, nullable=False),
    # Never reuse an id: a request holding an old build's id must not read a new queue.
    sqlite_autoincrement=True,
)

review_queue = Table(
    "review_queue",
    metadata,
    Column("build_id", Integer, ForeignKey("review_queue_builds.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("record_key_a", Text, nullable=False),
    Column("record_key_b", Text, nullable=False),
    Column("record_id_l", Integer, nullable=False),
    Column("record_id_r", Integer, nullable=False),
    # Whether key a (the smaller) is record r's: the keys are sorted, the ids are not.
    Column("flipped", Boolean, nullable=False),
    Column("match_probability", Float, nullable=False),
    Column("match_weight", Float, nullable=False),
    Column("priority", Float, nullable=False),
    Column("linked", Boolean, nullable=False),
    Column("near", Boolean, nullable=False),
    Column("explain", JSON, nullable=False),
    Index("ix_review_queue_pair", "record_key_a", "record_key_b"),
)

review_leases = Table(
    "review_leases",
    metadata,
    # One holder per pair at a time: the primary key is what keeps two reviewers apart.
    Column("record_key_a", Text, primary_key=True),
    Column("record_key_b", Text, primary_key=True),
    Column("reviewer", String(200), nullable=False),
    Column("taken_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("ix_review_leases_reviewer", "reviewer"),
)

review_skips = Table(
    "review_skips",
    metadata,
    Column("build_id", Integer, primary_key=True),
    Column("record_key_a", Text, primary_key=True),
    Column("record_key_b", Text, primary_key=True),
    Column("reviewer", String(200), primary_key=True),
)
