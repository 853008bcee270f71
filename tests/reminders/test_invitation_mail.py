"""An account email (an invitation, a password reset) carries a working link, and the outbox keeps no usable
copy once it has gone."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.models import Person
from workflow.reminders.delivery import RelayConfig, relay
from workflow.reminders.models import OutboxMessage
from workflow.reminders.outbox import queue_invitation, queue_password_reset
from workflow.reminders.transports import FileTransport

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


@pytest.mark.parametrize(
    ("kind", "link"),
    [
        ("invitation", "http://banns.example/invitation?token=secret-abc_1"),
        ("password_reset", "http://banns.example/password-reset/new?token=secret-abc_1"),
    ],
)
def test_an_account_link_in_the_query_string_is_delivered_then_scrubbed(
    db: Database, clock: Any, tmp_path: Path, kind: str, link: str
) -> None:
    person = Accounts(db).add_person("Nia Jones", "nia.jones@gwent.example", clock())
    with db.write() as session:
        nia = session.get(Person, person.id)
        assert nia is not None
        if kind == "invitation":
            queue_invitation(session, nia, link, clock())
        else:
            queue_password_reset(session, nia, link, clock(), expires_at=clock() + timedelta(hours=1))
            queue_password_reset(session, nia, link, clock(), expires_at=clock() + timedelta(hours=1))  # once

    assert relay(db, FileTransport(tmp_path / "mail"), clock(), config=RelayConfig(secret_key="test")).sent == 1
    delivered = message_from_bytes(next((tmp_path / "mail").glob("*.eml")).read_bytes())
    assert link in _text_of(delivered)
    if kind == "password_reset":
        assert str(delivered["Subject"]) == "Reset your banns password"
        assert "until 10:00 on 04 January 2027 (UK time)" in _text_of(delivered)
    with db.read() as session:
        text, html = session.execute(select(OutboxMessage.body_text, OutboxMessage.body_html)).one()
    assert "secret-abc_1" not in text and "secret-abc_1" not in html
    assert "?token=(link removed once sent)" in text
