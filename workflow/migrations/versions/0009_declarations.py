"""declarations: the honest-conversation register (declarations, answers, "none") and the scope register

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 08:05:06.895654
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import workflow.engine.models

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scope_services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_scope_services_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scope_services")),
        sa.UniqueConstraint("programme_id", "name", name=op.f("uq_scope_services_programme_id")),
    )
    with op.batch_alter_table("scope_services", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scope_services_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "declaration_nones",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", workflow.engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_declaration_nones_partner_id_partners")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_declaration_nones_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["people.id"], name=op.f("fk_declaration_nones_recorded_by_id_people")
        ),
        sa.PrimaryKeyConstraint("programme_id", "partner_id", name=op.f("pk_declaration_nones")),
    )
    op.create_table(
        "declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("declared_by_id", sa.Integer(), nullable=True),
        sa.Column("declared_at", workflow.engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revised_at", workflow.engine.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["declared_by_id"], ["people.id"], name=op.f("fk_declarations_declared_by_id_people")),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_declarations_partner_id_partners")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_declarations_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declarations")),
    )
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_declarations_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "scope_local",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"], name=op.f("fk_scope_local_partner_id_partners")),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_scope_local_programme_id_programmes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scope_local")),
        sa.UniqueConstraint("programme_id", "partner_id", "service", name=op.f("uq_scope_local_programme_id")),
    )
    with op.batch_alter_table("scope_local", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scope_local_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "declaration_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", workflow.engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["people.id"], name=op.f("fk_declaration_answers_answered_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["declaration_id"],
            ["declarations.id"],
            name=op.f("fk_declaration_answers_declaration_id_declarations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_declaration_answers_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declaration_answers")),
        sa.UniqueConstraint("declaration_id", "partner_id", name=op.f("uq_declaration_answers_declaration_id")),
    )
    with op.batch_alter_table("declaration_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_declaration_answers_declaration_id"), ["declaration_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("declaration_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declaration_answers_declaration_id"))

    op.drop_table("declaration_answers")
    with op.batch_alter_table("scope_local", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scope_local_programme_id"))

    op.drop_table("scope_local")
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declarations_programme_id"))

    op.drop_table("declarations")
    op.drop_table("declaration_nones")
    with op.batch_alter_table("scope_services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scope_services_programme_id"))

    op.drop_table("scope_services")
