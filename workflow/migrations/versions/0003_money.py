"""money: business case, cost sharing, pre-nuptial agreement, benefits realisation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 23:28:41.473536
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import workflow.engine.models
import workflow.money.models

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "money_actual_savings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=100), nullable=False),
        sa.Column("amount", workflow.engine.models.Money(precision=16, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_money_actual_savings_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_money_actual_savings")),
        sa.UniqueConstraint("programme_id", "year", "service", name=op.f("uq_money_actual_savings_programme_id")),
    )
    with op.batch_alter_table("money_actual_savings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_money_actual_savings_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "money_agreements",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("notice_months", sa.Integer(), nullable=True),
        sa.Column("minimum_term_months", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("recompute", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_money_agreements_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("programme_id", name=op.f("pk_money_agreements")),
    )
    op.create_table(
        "money_bases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("driver", sa.String(length=100), nullable=False),
        sa.Column("retrue_threshold", workflow.money.models.Quantity(precision=20, scale=6), nullable=False),
        sa.Column("split_fixed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_money_bases_programme_id_programmes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_money_bases")),
        sa.UniqueConstraint("programme_id", "service", name=op.f("uq_money_bases_programme_id")),
    )
    with op.batch_alter_table("money_bases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_money_bases_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "money_cases",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=True),
        sa.Column("years", sa.Integer(), nullable=True),
        sa.Column("confidence_scale", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_money_cases_programme_id_programmes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("programme_id", name=op.f("pk_money_cases")),
    )
    op.create_table(
        "money_confidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("scale", sa.String(length=10), nullable=False),
        sa.Column("rating", sa.String(length=20), nullable=False),
        sa.Column("commentary", sa.Text(), nullable=False),
        sa.Column("recorded_at", workflow.engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_money_confidence_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_money_confidence")),
    )
    with op.batch_alter_table("money_confidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_money_confidence_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "money_costs_incurred",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("incurred_on", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("amount", workflow.engine.models.Money(precision=16, scale=2), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_money_costs_incurred_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_money_costs_incurred")),
    )
    with op.batch_alter_table("money_costs_incurred", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_money_costs_incurred_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "money_exit_costs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("amount", workflow.engine.models.Money(precision=16, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_money_exit_costs_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_money_exit_costs")),
        sa.UniqueConstraint("programme_id", "name", name=op.f("uq_money_exit_costs_programme_id")),
    )
    with op.batch_alter_table("money_exit_costs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_money_exit_costs_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "money_investments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("amount", workflow.engine.models.Money(precision=16, scale=2), nullable=False),
        sa.Column("recurring", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_money_investments_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_money_investments")),
    )
    with op.batch_alter_table("money_investments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_money_investments_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "money_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("planned", workflow.money.models.Quantity(precision=20, scale=6), nullable=False),
        sa.Column("actual", workflow.money.models.Quantity(precision=20, scale=6), nullable=True),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_money_measures_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_money_measures")),
        sa.UniqueConstraint("programme_id", "year", "name", name=op.f("uq_money_measures_programme_id")),
    )
    with op.batch_alter_table("money_measures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_money_measures_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "money_savings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=100), nullable=False),
        sa.Column("amount", workflow.engine.models.Money(precision=16, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_money_savings_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_money_savings")),
    )
    with op.batch_alter_table("money_savings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_money_savings_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "money_withdrawal_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", sa.String(length=60), nullable=False),
        sa.Column("fixed_sum", workflow.engine.models.Money(precision=16, scale=2), nullable=False),
        sa.Column("share_of_costs", sa.Boolean(), nullable=False),
        sa.Column("exit_costs", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_money_withdrawal_terms_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_money_withdrawal_terms")),
        sa.UniqueConstraint("programme_id", "from_stage", name=op.f("uq_money_withdrawal_terms_programme_id")),
    )
    with op.batch_alter_table("money_withdrawal_terms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_money_withdrawal_terms_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "money_baselines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=100), nullable=False),
        sa.Column("amount", workflow.engine.models.Money(precision=16, scale=2), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_money_baselines_partner_id_partners")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_money_baselines_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_money_baselines")),
    )
    with op.batch_alter_table("money_baselines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_money_baselines_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "money_basis_values",
        sa.Column("basis_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("value", workflow.money.models.Quantity(precision=20, scale=6), nullable=True),
        sa.Column("weight_in_force", workflow.money.models.Quantity(precision=20, scale=6), nullable=True),
        sa.ForeignKeyConstraint(
            ["basis_id"],
            ["money_bases.id"],
            name=op.f("fk_money_basis_values_basis_id_money_bases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_money_basis_values_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("basis_id", "partner_id", name=op.f("pk_money_basis_values")),
    )


def downgrade() -> None:
    op.drop_table("money_basis_values")
    with op.batch_alter_table("money_baselines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_money_baselines_programme_id"))

    op.drop_table("money_baselines")
    with op.batch_alter_table("money_withdrawal_terms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_money_withdrawal_terms_programme_id"))

    op.drop_table("money_withdrawal_terms")
    with op.batch_alter_table("money_savings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_money_savings_programme_id"))

    op.drop_table("money_savings")
    with op.batch_alter_table("money_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_money_measures_programme_id"))

    op.drop_table("money_measures")
    with op.batch_alter_table("money_investments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_money_investments_programme_id"))

    op.drop_table("money_investments")
    with op.batch_alter_table("money_exit_costs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_money_exit_costs_programme_id"))

    op.drop_table("money_exit_costs")
    with op.batch_alter_table("money_costs_incurred", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_money_costs_incurred_programme_id"))

    op.drop_table("money_costs_incurred")
    with op.batch_alter_table("money_confidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_money_confidence_programme_id"))

    op.drop_table("money_confidence")
    op.drop_table("money_cases")
    with op.batch_alter_table("money_bases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_money_bases_programme_id"))

    op.drop_table("money_bases")
    op.drop_table("money_agreements")
    with op.batch_alter_table("money_actual_savings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_money_actual_savings_programme_id"))

    op.drop_table("money_actual_savings")
