"""democratic_decisions: each partner's decision of its own body on a gate, call-ins, pre-election periods

Revision ID: 0010
Revises: 0009

A gate may ask each partner for a decision of its cabinet, trust board or other body (a key decision published
on the forward plan, then open to call-in); until it is recorded and its call-in period has passed, that
partner's approval does not count. Pre-election periods are kept per partner to flag decisions and go-live.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "partner_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=60), nullable=False),
        sa.Column("stage_visit", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=30), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column("key_decision", sa.Boolean(), nullable=False),
        sa.Column("forward_plan_on", sa.Date(), nullable=True),
        sa.Column("minutes", sa.String(length=2000), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("call_in_days", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_decisions_partner_id_partners"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_partner_decisions_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_decisions")),
        sa.UniqueConstraint(
            "programme_id", "partner_id", "stage", "stage_visit", "body", name=op.f("uq_partner_decisions_programme_id")
        ),
    )
    with op.batch_alter_table("partner_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_decisions_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "pre_election_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("polling_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_pre_election_periods_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_pre_election_periods_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pre_election_periods")),
    )
    with op.batch_alter_table("pre_election_periods", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pre_election_periods_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "decision_call_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("called_in_on", sa.Date(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["partner_decisions.id"],
            name=op.f("fk_decision_call_ins_decision_id_partner_decisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_call_ins")),
    )
    with op.batch_alter_table("decision_call_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_call_ins_decision_id"), ["decision_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("decision_call_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_call_ins_decision_id"))

    op.drop_table("decision_call_ins")
    with op.batch_alter_table("pre_election_periods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pre_election_periods_programme_id"))

    op.drop_table("pre_election_periods")
    with op.batch_alter_table("partner_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_decisions_programme_id"))

    op.drop_table("partner_decisions")
