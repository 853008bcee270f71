"""One bad message never stops the mail: a message that cannot be built, or that the server refuses for good,
is failed alone with its error while the others go out; attempts never pass MAIL_MAX_ATTEMPTS; and a mail
folder that cannot be written to loses nothing."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from reminders_support import SmtpServer
from sqlalchemy import select, update

from workflow.engine.db import Database
from workflow.engine.models import Person
from workflow.engine.views import ProgrammeView
from workflow.reminders.delivery import RelayConfig, claim, list_mail, relay
from workflow.reminders.models import OutboxMessage
from workflow.reminders.outbox import queue_invitation
from workflow.reminders.transports import FileTransport


def queue(db: Database, now: Any, count: int, email: str = "sam.ellis@audit.example") -> list[int]:
    """``count`` invitations to the person with ``email``, numbered in their links; their ids."""
    with db.write() as session:
        person = session.scalar(select(Person).where(Person.email == email))
        assert person is not None
        for n in range(count):
            queue_invitation(session, person, f"https://banns.example/invite/{email[0]}{n}", now)
        session.flush()
        return list(session.scalars(select(OutboxMessage.id).where(OutboxMessage.to_addr == email)))


def numbers(server: SmtpServer) -> list[str]:
    """The numbers of the invitations the server received, in order."""
    bodies = [m.get_body(("plain",)).get_content() for m in server.inbox.messages]  # type: ignore[union-attr]
    return [body.split("invite/")[1].split()[0] for body in bodies]


def test_one_unbuildable_message_among_fifty_fails_alone_and_the_others_arrive(
    db: Database, northbridge: ProgrammeView, clock: Any, smtp: SmtpServer, relay_config: RelayConfig
) -> None:
    ids = queue(db, clock(), 50)
    with db.write() as session:  # a header no email can carry, as a row written by older code could hold
        session.execute(update(OutboxMessage).where(OutboxMessage.id == ids[20]).values(subject="Two\nlines"))
    result = relay(db, smtp.transport(), clock(), batch=50, config=relay_config)
    assert (result.sent, result.retrying, result.failed) == (49, 0, 1)
    assert sorted(numbers(smtp), key=lambda n: int(n[1:])) == [f"s{n}" for n in range(50) if n != 20]
    [failed] = list_mail(db, statuses=["failed"])
    assert failed.id == ids[20] and failed.attempts == 1
    assert "cannot build the message" in (failed.last_error or "") and "linefeed" in (failed.last_error or "")
    clock.advance(days=1)
    assert relay(db, smtp.transport(), clock(), config=relay_config).claimed == 0  # never tried again on its own


def test_an_address_the_server_refuses_for_good_fails_at_once_and_the_rest_go_on(
    db: Database, northbridge: ProgrammeView, clock: Any, smtp: SmtpServer, relay_config: RelayConfig
) -> None:
    queue(db, clock(), 2, "tom.hardy@northbridge.example")
    queue(db, clock(), 2, "sam.ellis@audit.example")
    smtp.inbox.unknown = {"tom.hardy@northbridge.example"}  # 550 5.1.1 when named as a recipient
    result = relay(db, smtp.transport(), clock(), config=relay_config)
    assert (result.sent, result.retrying, result.failed) == (2, 0, 2)
    assert sorted(numbers(smtp)) == ["s0", "s1"]
    failed = list_mail(db, statuses=["failed"])
    assert {m.to.split("<")[1] for m in failed} == {"tom.hardy@northbridge.example>"}
    assert all(m.attempts == 1 and "550" in (m.last_error or "") for m in failed)


def test_a_message_interrupted_on_its_last_attempt_is_failed_not_tried_again(
    db: Database, northbridge: ProgrammeView, clock: Any, smtp: SmtpServer, relay_config: RelayConfig
) -> None:
    [message_id] = queue(db, clock(), 1)
    for _ in range(relay_config.max_attempts):  # each time the relay dies after claiming, before sending
        assert [row_id for row_id, _, _ in claim(db, clock(), 50, relay_config)] == [message_id]
        clock.advance(seconds=relay_config.lease_seconds + 1)
    assert relay(db, smtp.transport(), clock(), config=relay_config).claimed == 0
    [failed] = list_mail(db, statuses=["failed"])
    assert failed.attempts == relay_config.max_attempts and "no attempts left" in (failed.last_error or "")
    assert smtp.inbox.messages == []


def test_a_lower_maximum_fails_messages_that_have_used_it_up(
    db: Database, northbridge: ProgrammeView, clock: Any, smtp: SmtpServer, relay_config: RelayConfig
) -> None:
    [message_id] = queue(db, clock(), 1)
    with db.write() as session:  # five attempts made while MAIL_MAX_ATTEMPTS was higher than today's four
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(attempts=5))
    assert relay(db, smtp.transport(), clock(), config=relay_config).claimed == 0
    [failed] = list_mail(db, statuses=["failed"])
    assert failed.attempts == 5 and smtp.inbox.messages == []


def test_a_mail_folder_that_cannot_be_written_loses_nothing(
    db: Database,
    northbridge: ProgrammeView,
    clock: Any,
    relay_config: RelayConfig,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue(db, clock(), 3)
    folder = tmp_path / "mail"
    # The tests run as root, for whom chmod does not stop writing: the folder's path is a regular file
    # instead, so that neither creating the folder nor writing into it can work.
    folder.write_text("not a folder")
    transport = FileTransport(folder)
    for attempt in (1, 2):
        with caplog.at_level(logging.WARNING, logger="banns.mail"):
            result = relay(db, transport, clock(), config=relay_config)
        assert (result.sent, result.retrying, result.failed) == (0, 3, 0)
        waiting = list_mail(db, statuses=["pending"])
        assert len(waiting) == 3 and {m.attempts for m in waiting} == {attempt}
        assert all("cannot write to the mail folder" in (m.last_error or "") for m in waiting)
        assert f"cannot write to the mail folder {folder}" in caplog.text
        assert relay(db, transport, clock(), config=relay_config).claimed == 0  # backing off
        clock.advance(seconds=relay_config.backoff(attempt).total_seconds())
    folder.unlink()  # the folder can be written to again
    assert relay(db, transport, clock(), config=relay_config).sent == 3
    assert len(list(folder.glob("*.eml"))) == 3
    assert {m.status for m in list_mail(db)} == {"sent"}
