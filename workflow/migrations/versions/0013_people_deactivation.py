"""people_deactivation: a person's account may be deactivated (no sign-in, no reminders), and by whom

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import workflow.engine.models

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """When a person was deactivated (``NULL``: active), and the admin who did it."""
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("deactivated_at", workflow.engine.models.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("deactivated_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_people_deactivated_by_id_people"), "people", ["deactivated_by_id"], ["id"])


def downgrade() -> None:
    """Everyone is active again (before this revision, accounts could not be deactivated)."""
    with op.batch_alter_table("people") as batch:
        batch.drop_constraint(op.f("fk_people_deactivated_by_id_people"), type_="foreignkey")
        batch.drop_column("deactivated_by_id")
        batch.drop_column("deactivated_at")
