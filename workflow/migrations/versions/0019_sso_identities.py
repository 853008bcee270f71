"""sso_identities: the account at an identity provider each person signed in with, by its subject

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import workflow.engine.models

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """One row per person and provider: the provider's subject (``sub``), linked at the first single sign-on.
    A subject belongs to one person, and a person has one subject at each provider. A person's links go with
    them."""
    op.create_table(
        "sso_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=60), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("linked_at", workflow.engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", workflow.engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], ondelete="CASCADE", name=op.f("fk_sso_identities_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_identities")),
        sa.UniqueConstraint("provider", "subject", name=op.f("uq_sso_identities_provider")),
        sa.UniqueConstraint("person_id", "provider", name=op.f("uq_sso_identities_person_id")),
    )


def downgrade() -> None:
    """Before this revision single sign-on matched by email alone: the links are dropped."""
    op.drop_table("sso_identities")
