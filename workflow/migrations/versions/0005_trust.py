"""trust: a hash chain through the event log, site events, decision packs bound to sign-offs

Revision ID: 0005
Revises: 0004

Existing events are sealed in order, so that a database upgraded from before the chain verifies too. The
hashing is copied here as it stands today (canonical JSON, SHA-256): a migration must not change meaning
when the code moves on.
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC

import sqlalchemy as sa
from alembic import op

import workflow.engine.models

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("programme_id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("at", workflow.engine.models.UTCDateTime()),
    sa.column("actor_id", sa.Integer),
    sa.column("actor", sa.String),
    sa.column("kind", sa.String),
    sa.column("from_state", sa.String),
    sa.column("to_state", sa.String),
    sa.column("reason", sa.Text),
    sa.column("data", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)
_programmes = sa.table("programmes", sa.column("id", sa.Integer), sa.column("log_head", sa.String))


def _digest(row: sa.Row, prev_hash: str | None) -> str:
    content = {
        "programme_id": row.programme_id,
        "seq": row.seq,
        "at": row.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": row.actor_id,
        "actor": row.actor,
        "kind": row.kind,
        "from_state": row.from_state,
        "to_state": row.to_state,
        "reason": row.reason,
        "data": row.data or {},
        "prev_hash": prev_hash,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _seal_existing_events() -> None:
    connection = op.get_bind()
    heads: dict[int, str | None] = {}
    rows = connection.execute(sa.select(_events).order_by(_events.c.programme_id, _events.c.seq))
    for row in rows.all():
        prev = heads.get(row.programme_id)
        value = _digest(row, prev)
        connection.execute(_events.update().where(_events.c.id == row.id).values(prev_hash=prev, hash=value))
        heads[row.programme_id] = value
    for programme_id, head in heads.items():
        connection.execute(_programmes.update().where(_programmes.c.id == programme_id).values(log_head=head))


def upgrade() -> None:
    with op.batch_alter_table("programmes") as batch:
        batch.add_column(sa.Column("log_head", sa.String(length=64), nullable=True))
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch.alter_column("programme_id", existing_type=sa.Integer(), nullable=True)
    _seal_existing_events()
    with op.batch_alter_table("events") as batch:
        batch.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
    op.create_index(
        "uq_events_site_seq",
        "events",
        ["seq"],
        unique=True,
        sqlite_where=sa.text("programme_id IS NULL"),
        postgresql_where=sa.text("programme_id IS NULL"),
    )
    op.create_table(
        "decision_packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=60), nullable=False),
        sa.Column("stage_visit", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=10), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("evidence_rev", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_at", workflow.engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_decision_packs_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_packs")),
        sa.UniqueConstraint("programme_id", "hash", name=op.f("uq_decision_packs_programme_id")),
    )
    op.create_index(op.f("ix_decision_packs_programme_id"), "decision_packs", ["programme_id"])
    with op.batch_alter_table("sign_offs") as batch:
        batch.add_column(sa.Column("pack_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sign_offs") as batch:
        batch.drop_column("pack_hash")
    op.drop_index(op.f("ix_decision_packs_programme_id"), table_name="decision_packs")
    op.drop_table("decision_packs")
    op.drop_index("uq_events_site_seq", table_name="events")
    op.execute(sa.text("DELETE FROM events WHERE programme_id IS NULL"))
    with op.batch_alter_table("events") as batch:
        batch.alter_column("programme_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
    with op.batch_alter_table("programmes") as batch:
        batch.drop_column("log_head")
