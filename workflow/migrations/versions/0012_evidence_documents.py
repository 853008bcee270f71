"""evidence_documents: a document uploaded as evidence (by its SHA-256), and evidence withdrawn

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import workflow.engine.models

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Evidence may carry a stored document, and may be withdrawn."""
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(sa.Column("document_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("document_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("document_type", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("document_size", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("withdrawn_at", workflow.engine.models.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Withdrawn evidence is deleted (before this revision, evidence could not be withdrawn)."""
    op.execute(sa.text("DELETE FROM evidence WHERE withdrawn_at IS NOT NULL"))
    with op.batch_alter_table("evidence") as batch:
        for column in ("withdrawn_at", "document_size", "document_type", "document_name", "document_sha256"):
            batch.drop_column(column)
