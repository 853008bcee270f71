"""people_language: the language a person reads banns in ("en" or "cy"), remembered across sessions

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The person's chosen language (``NULL``: not chosen; the browser's preference applies)."""
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    """Nobody has a stored language (before this revision, banns was in English only)."""
    with op.batch_alter_table("people") as batch:
        batch.drop_column("language")
