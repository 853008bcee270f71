"""staff_transfers: per transferring partner, the staff moving under TUPE and the dates of its duties

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import workflow.engine.models

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """One row per partner transferring staff in a programme."""
    op.create_table(
        "staff_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("transfer_date", sa.Date(), nullable=False),
        sa.Column("redundancies", sa.Integer(), nullable=False),
        sa.Column("eli_given_on", sa.Date(), nullable=True),
        sa.Column("consultation_began_on", sa.Date(), nullable=True),
        sa.Column("consultation_ended_on", sa.Date(), nullable=True),
        sa.Column("recorded_at", workflow.engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            ondelete="CASCADE",
            name=op.f("fk_staff_transfers_programme_id_programmes"),
        ),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_staff_transfers_partner_id_partners")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_transfers")),
        sa.UniqueConstraint("programme_id", "partner_id", name=op.f("uq_staff_transfers_programme_id")),
    )


def downgrade() -> None:
    """The records go with the table."""
    op.drop_table("staff_transfers")
