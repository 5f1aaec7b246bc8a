"""Linkage: record features, link runs, scored pairs, review decisions, persons.

Revision ID: 0002_link
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_link"
down_revision = "0001_core"
branch_labels = ("link",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_features",
        sa.Column("record_id", sa.Integer, sa.ForeignKey("records.id"), primary_key=True),
        sa.Column("record_key", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("surname_lat", sa.Text),
        sa.Column("given_lat", sa.Text),
        sa.Column("patronymic_lat", sa.Text),
        sa.Column("surname_key", sa.Text),
        sa.Column("given_key", sa.Text),
        sa.Column("patronymic_key", sa.Text),
        sa.Column("surname_ph", sa.Text),
        sa.Column("given_ph", sa.Text),
        sa.Column("given_initial", sa.String(4)),
        sa.Column("patronymic_initial", sa.String(4)),
        sa.Column("surname_sk", sa.Text),
        sa.Column("given_sk", sa.Text),
        sa.Column("full_key", sa.Text),
        sa.Column("sex", sa.String(1)),
        sa.Column("birth_date", sa.String(10)),
        sa.Column("birth_year", sa.Integer),
        sa.Column("birth_year_from_age", sa.Boolean),
        sa.Column("event_date", sa.String(10)),
        sa.Column("place_id", sa.String(40)),
        sa.Column("region_id", sa.String(40)),
    )
    op.create_index("ix_link_features_record_key", "link_features", ["record_key"])
    op.create_table(
        "link_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("backend", sa.String(20), nullable=False),
        sa.Column("model_path", sa.Text),
        sa.Column("summary", sa.JSON, nullable=False),
    )
    op.create_table(
        "link_pairs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("link_runs.id"), nullable=False),
        sa.Column("record_id_l", sa.Integer, sa.ForeignKey("records.id"), nullable=False),
        sa.Column("record_id_r", sa.Integer, sa.ForeignKey("records.id"), nullable=False),
        sa.Column("match_probability", sa.Float, nullable=False),
        sa.Column("match_weight", sa.Float, nullable=False),
        sa.Column("explain", sa.JSON, nullable=False),
    )
    op.create_index("ix_link_pairs_run", "link_pairs", ["run_id"])
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("record_key_a", sa.Text, nullable=False),
        sa.Column("record_key_b", sa.Text, nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_index(
        "ix_review_decisions_pair", "review_decisions", ["record_key_a", "record_key_b"]
    )
    op.create_table(
        "persons",
        sa.Column("person_id", sa.String(20), primary_key=True),
        sa.Column("first_run_id", sa.Integer, sa.ForeignKey("link_runs.id"), nullable=False),
        sa.Column("last_run_id", sa.Integer, sa.ForeignKey("link_runs.id"), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("weak", sa.Boolean, nullable=False),
        sa.Column("density", sa.Float, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "person_records",
        sa.Column("record_key", sa.Text, primary_key=True),
        sa.Column(
            "person_id", sa.String(20), sa.ForeignKey("persons.person_id"), nullable=False
        ),
        sa.Column("record_id", sa.Integer, sa.ForeignKey("records.id"), nullable=False),
    )
    op.create_index("ix_person_records_person", "person_records", ["person_id"])


def downgrade() -> None:
    for table in (
        "person_records",
        "persons",
        "review_decisions",
        "link_pairs",
        "link_runs",
        "link_features",
    ):
        op.drop_table(table)
