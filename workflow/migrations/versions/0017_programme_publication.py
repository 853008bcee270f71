"""programme_publication: a programme's managers may publish it as open data (Local Government Transparency Code)

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import workflow.engine.models

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """When the programme was published as open data (``NULL``: not published); who did it is in its log."""
    with op.batch_alter_table("programmes") as batch:
        batch.add_column(sa.Column("published_at", workflow.engine.models.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """No programme is published (before this revision, nothing was)."""
    with op.batch_alter_table("programmes") as batch:
        batch.drop_column("published_at")
