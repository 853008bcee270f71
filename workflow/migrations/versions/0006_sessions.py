"""sessions: server-side sessions, password resets and exact sign-in limits

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Filled in with the sessions change."""


def downgrade() -> None:
    """Filled in with the sessions change."""
