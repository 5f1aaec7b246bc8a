"""Accountability: FtM entities, responsibility links with evidence and victims, victim
publication decisions, contrary information.

Revision ID: 0004_accountability
Revises: 0001_core
Depends on: 0003_evidence (incidents, evidence_items)
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_accountability"
down_revision = "0001_core"
branch_labels = ("accountability",)
depends_on = "0003_evidence"


def upgrade() -> None:
    op.create_table(
        "acc_entities",
        sa.Column("id", sa.String(255), primary_key=True),
        sa.Column("schema", sa.String(64), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("checksum", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_acc_entities_schema", "acc_entities", ["schema"])
    op.create_table(
        "acc_responsibility",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "actor_id", sa.String(255), sa.ForeignKey("acc_entities.id"), nullable=False
        ),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("abuses", sa.JSON, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_acc_responsibility_actor", "acc_responsibility", ["actor_id"])
    op.create_table(
        "acc_responsibility_evidence",
        sa.Column(
            "responsibility_id",
            sa.Integer,
            sa.ForeignKey("acc_responsibility.id"),
            nullable=False,
        ),
        sa.Column(
            "item_sha256", sa.String(64), sa.ForeignKey("evidence_items.sha256"), nullable=False
        ),
        sa.UniqueConstraint("responsibility_id", "item_sha256"),
    )
    op.create_table(
        "acc_responsibility_victims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "responsibility_id",
            sa.Integer,
            sa.ForeignKey("acc_responsibility.id"),
            nullable=False,
        ),
        sa.Column("record_id", sa.Integer, sa.ForeignKey("records.id")),
        sa.Column("person_id", sa.String(80)),
        sa.Column("category", sa.String(40)),
    )
    op.create_table(
        "acc_contrary",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("subject_id", sa.String(255), sa.ForeignKey("acc_entities.id")),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id")),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("response", sa.Text),
        sa.Column("created_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "acc_contrary",
        "acc_responsibility_victims",
        "acc_responsibility_evidence",
        "acc_responsibility",
        "acc_entities",
    ):
        op.drop_table(table)
