"""Migration 0007 on a database with mail in it: tokens written before it (nonces derived from their outbox
key) are bound to their messages, so the links of messages still waiting go out; and it can be undone."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from reminders_support import DEFINITIONS, EXAMPLE, SmtpServer, evidence_all
from sqlalchemy import text

from workflow.engine import schema
from workflow.engine.db import Database
from workflow.engine.importer import load_programme
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.reminders.delivery import RelayConfig, relay
from workflow.reminders.tokens import check_token
from workflow.settings import Settings


def old_nonce(key: str) -> str:
    """How nonces were made before 0007 (guessable: the reason for the change)."""
    return hashlib.sha256(("token:" + key).encode()).hexdigest()[:43]


def test_tokens_from_before_0007_are_bound_to_their_waiting_messages(
    tmp_path: Path, sqlite_template: Path, clock: Any, smtp: SmtpServer, relay_config: RelayConfig
) -> None:
    path = tmp_path / "banns.sqlite3"  # its own file: the migration is undone and redone
    shutil.copy(sqlite_template, path)
    db = Database(f"sqlite:///{path}")
    engine = Programmes(db, Registry(DEFINITIONS), clock=clock)
    view = engine.start(*load_programme(EXAMPLE))
    evidence_all(engine, view.id)
    engine.request_sign_off(view.id)
    schema.downgrade(db, "0006")
    with db.engine.begin() as conn:  # the rows as 0006 wrote them
        pairs = conn.execute(
            text("SELECT o.key, t.nonce FROM outbox o JOIN sign_off_tokens t ON t.person_id = o.person_id")
        ).all()
        for key, nonce in pairs:
            values = {"old": nonce, "new": old_nonce(key), "key": key}
            conn.execute(text("UPDATE sign_off_tokens SET nonce = :new WHERE nonce = :old"), values)
            conn.execute(
                text(
                    "UPDATE outbox SET body_text = replace(body_text, :old, :new), "
                    "body_html = replace(body_html, :old, :new) WHERE key = :key"
                ),
                values,
            )
    schema.upgrade(db)
    assert schema.is_current(db)
    with db.engine.connect() as conn:
        bound = conn.execute(
            text("SELECT o.key, t.outbox_key FROM outbox o JOIN sign_off_tokens t ON t.person_id = o.person_id")
        ).all()
    assert len(bound) == 3 and all(key == outbox_key for key, outbox_key in bound)

    assert relay(db, smtp.transport(), clock(), config=relay_config).sent == 3
    settings = Settings(tmp_path, f"sqlite:///{path}", DEFINITIONS, relay_config.secret_key, {})
    for message in smtp.inbox.messages:
        body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        token = body.split("/sign?t=")[1].split()[0]
        assert check_token(db, token, clock(), settings=settings).person_id is not None
    db.dispose()
