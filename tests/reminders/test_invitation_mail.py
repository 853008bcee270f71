"""An invitation email carries a working link, and the outbox keeps no usable copy once it has gone."""

from __future__ import annotations

import re
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

from sqlalchemy import select

from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.reminders.delivery import FileTransport, RelayConfig, relay
from workflow.reminders.models import OutboxMessage

LINK = re.compile(r"https?://\S+/invitation/[A-Za-z0-9_-]+")


def _text_of(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return str(part.get_payload(decode=True).decode("utf-8"))


def test_the_sent_invitation_works_and_the_stored_copy_does_not(db: Database, clock: Any, tmp_path: Path) -> None:
    accounts = Accounts(db)
    person = accounts.add_person("Nia Jones", "nia.jones@gwent.example", clock())
    accounts.send_invitation(person.id, clock(), lambda token: f"http://banns.example/invitation/{token}")

    result = relay(db, FileTransport(tmp_path / "mail"), clock(), config=RelayConfig(secret_key="test"))
    assert result.sent == 1
    delivered = _text_of(message_from_bytes(next((tmp_path / "mail").glob("*.eml")).read_bytes()))
    link = LINK.search(delivered)
    assert link, delivered
    token = link.group(0).rsplit("/", 1)[1]
    assert accounts.invitation_for(token, clock()).email == "nia.jones@gwent.example"

    with db.read() as session:
        text, html = session.execute(
            select(OutboxMessage.body_text, OutboxMessage.body_html).where(OutboxMessage.kind == "invitation")
        ).one()
    assert token not in text and token not in html
    assert "(link removed once sent)" in text
