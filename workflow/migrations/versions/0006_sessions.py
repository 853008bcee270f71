"""sessions: server-side sessions, password resets and exact sign-in limits

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import workflow.engine.models

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Counters replace the log of attempts (the limits no longer count rows); invitations gain a purpose
    (password resets are single-use links too); sessions are kept on the server."""
    op.drop_index("ix_sign_in_attempts_email_at", table_name="sign_in_attempts")
    op.drop_index("ix_sign_in_attempts_ip_at", table_name="sign_in_attempts")
    op.drop_table("sign_in_attempts")
    op.create_table(
        "sign_in_limits",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=True),
        sa.Column("window_start", workflow.engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_limits")),
    )
    op.create_index(op.f("ix_sign_in_limits_email_hash"), "sign_in_limits", ["email_hash"])
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("purpose", sa.String(length=20), server_default="invitation", nullable=False))
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", workflow.engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", workflow.engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", workflow.engine.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], ondelete="CASCADE", name=op.f("fk_web_sessions_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    op.create_index(op.f("ix_web_sessions_person_id"), "web_sessions", ["person_id"])


def downgrade() -> None:
    """Back to signed-cookie sessions and counted attempts: sessions, resets and counters are dropped."""
    op.drop_table("web_sessions")
    op.execute(sa.text("DELETE FROM invitations WHERE purpose <> 'invitation'"))
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("purpose")
    op.drop_table("sign_in_limits")
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("at", workflow.engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempts")),
    )
    op.create_index("ix_sign_in_attempts_email_at", "sign_in_attempts", ["email", "at"])
    op.create_index("ix_sign_in_attempts_ip_at", "sign_in_attempts", ["ip", "at"])
