"""mail_links: sign-off links bound to their message by a random stored nonce

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Filled in with the mail_links change."""


def downgrade() -> None:
    """Filled in with the mail_links change."""
