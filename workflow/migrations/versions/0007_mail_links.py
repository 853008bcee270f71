"""mail_links: sign-off links bound to their message by a random stored nonce

Revision ID: 0007
Revises: 0006

Each sign-off token names the outbox row whose email carries its link (``sign_off_tokens.outbox_key``,
unique), so that the relay fills a message's link only from its own token. Tokens written before this
revision had nonces derived from their outbox key (``sha256("token:" + key)[:43]``): that derivation is
copied here as it stood, to link each existing token to its message. Those old nonces stay valid for the
links already sent (a link is signed with the instance's secret key, so knowing a nonce forges nothing).
Digests are found through ``outbox.digest_key``, now indexed.
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_outbox = sa.table("outbox", sa.column("key", sa.String), sa.column("body_text", sa.Text))
_tokens = sa.table("sign_off_tokens", sa.column("nonce", sa.String), sa.column("outbox_key", sa.String))


def _old_nonce(key: str) -> str:
    return hashlib.sha256(("token:" + key).encode()).hexdigest()[:43]


def _link_existing_tokens() -> None:
    connection = op.get_bind()
    keys = connection.scalars(sa.select(_outbox.c.key).where(_outbox.c.body_text.like("%{{sign_link:%"))).all()
    for key in keys:
        connection.execute(
            _tokens.update()
            .where(_tokens.c.nonce == _old_nonce(key), _tokens.c.outbox_key.is_(None))
            .values(outbox_key=key)
        )


def upgrade() -> None:
    with op.batch_alter_table("sign_off_tokens") as batch:
        batch.add_column(sa.Column("outbox_key", sa.String(length=250), nullable=True))
        batch.create_unique_constraint(op.f("uq_sign_off_tokens_outbox_key"), ["outbox_key"])
    with op.batch_alter_table("outbox") as batch:
        batch.create_index("ix_outbox_digest_key", ["digest_key"], unique=False)
    _link_existing_tokens()


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_digest_key")
    with op.batch_alter_table("sign_off_tokens") as batch:
        batch.drop_constraint(op.f("uq_sign_off_tokens_outbox_key"), type_="unique")
        batch.drop_column("outbox_key")
