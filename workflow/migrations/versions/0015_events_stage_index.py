"""events_stage_index: an index on events by the stage they moved to, for "when did the review begin"

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The reminder scan's review-start query (the first event into the review stage, per programme) read
    every event of every programme on each scan; with this index it reads only the moves into that stage."""
    op.create_index("ix_events_to_state_programme_at", "events", ["to_state", "programme_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_events_to_state_programme_at", table_name="events")
