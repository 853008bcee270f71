"""raid_deputies: the RAID log, and deputies who decide for a signatory for a date range

Revision ID: 0011
Revises: 0010

A decision given by a deputy names them in ``sign_offs.given_by_id`` (empty on every earlier decision: all
were given in person).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import workflow.engine.models

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UTC = workflow.engine.models.UTCDateTime


def _programme_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["programme_id"], ["programmes.id"], ondelete="CASCADE", name=op.f(f"fk_{table}_programme_id_programmes")
    )


def _person_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["people.id"], name=op.f(f"fk_{table}_{column}_people"))


def upgrade() -> None:
    op.create_table(
        "delegations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("signatory_id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason_kind", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", _UTC(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        _programme_fk("delegations"),
        _person_fk("delegations", "signatory_id"),
        _person_fk("delegations", "deputy_id"),
        _person_fk("delegations", "created_by_id"),
        _person_fk("delegations", "revoked_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegations")),
    )
    op.create_index("ix_delegations_programme_signatory", "delegations", ["programme_id", "signatory_id"])
    with op.batch_alter_table("sign_offs") as batch:
        batch.add_column(sa.Column("given_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_sign_offs_given_by_id_people"), "people", ["given_by_id"], ["id"])
    op.create_table(
        "raid_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("mitigation", sa.Text(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.Column("updated_at", _UTC(timezone=True), nullable=False),
        sa.Column("closed_at", _UTC(timezone=True), nullable=True),
        sa.Column("closed_note", sa.Text(), nullable=False),
        _programme_fk("raid_entries"),
        _person_fk("raid_entries", "owner_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raid_entries")),
    )
    op.create_index("ix_raid_entries_programme_id_closed_at", "raid_entries", ["programme_id", "closed_at"])


def downgrade() -> None:
    op.drop_index("ix_raid_entries_programme_id_closed_at", table_name="raid_entries")
    op.drop_table("raid_entries")
    with op.batch_alter_table("sign_offs") as batch:
        batch.drop_constraint(op.f("fk_sign_offs_given_by_id_people"), type_="foreignkey")
        batch.drop_column("given_by_id")
    op.drop_index("ix_delegations_programme_signatory", table_name="delegations")
    op.drop_table("delegations")
