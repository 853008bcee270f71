"""Delivery: retries while the SMTP server refuses or is down, failure after the configured attempts, the
message's parts, and .eml files when no SMTP server is configured."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from pathlib import Path
from typing import Any

from reminders_support import EXAMPLE, SmtpServer, evidence_all, free_port
from sqlalchemy import select

from workflow.engine.db import Database
from workflow.engine.models import Person
from workflow.engine.permissions import SYSTEM
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.reminders.delivery import RelayConfig, list_mail, relay, retry_failed
from workflow.reminders.outbox import queue_invitation
from workflow.reminders.scan import scan
from workflow.reminders.transports import FileTransport, SmtpTransport, transport_from_settings
from workflow.settings import Settings


def queue(db: Database, now: Any, count: int) -> None:
    with db.write() as session:
        sam = session.scalar(select(Person).where(Person.email == "sam.ellis@audit.example"))
        assert sam is not None
        for n in range(count):
            queue_invitation(session, sam, f"https://banns.example/invite/{n}", now)


def test_messages_wait_while_the_server_is_down_and_arrive_after_it_recovers(
    db: Database, northbridge: ProgrammeView, clock: Any, relay_config: RelayConfig
) -> None:
    queue(db, clock(), 5)
    server = SmtpServer(free_port())  # nothing listens there yet: connections are refused
    first = relay(db, server.transport(), clock(), config=relay_config)
    assert (first.sent, first.retrying) == (0, 5)
    assert relay(db, server.transport(), clock(), config=relay_config).claimed == 0  # backing off
    server.start()
    try:
        server.inbox.refuse = 2  # then it answers 451 "try again later" twice
        clock.advance(seconds=61)
        second = relay(db, server.transport(), clock(), config=relay_config)
        assert (second.sent, second.retrying) == (3, 2)
        clock.advance(seconds=61)
        assert relay(db, server.transport(), clock(), config=relay_config).claimed == 0  # 2nd retry: 120 s
        clock.advance(seconds=60)
        assert relay(db, server.transport(), clock(), config=relay_config).sent == 2
    finally:
        server.stop()
    assert sorted(
        m.get_body(("plain",)).get_content().split("invite/")[1].split()[0] for m in server.inbox.messages
    ) == ["0", "1", "2", "3", "4"]
    assert {m.status for m in list_mail(db)} == {"sent"}


def test_a_server_that_drops_the_connection_loses_nothing(
    db: Database, northbridge: ProgrammeView, clock: Any, relay_config: RelayConfig, tmp_path: Path
) -> None:
    import socket
    import threading

    queue(db, clock(), 3)
    port = free_port()
    listener = socket.create_server(("127.0.0.1", port))

    def hang_up() -> None:  # accepts, then closes at once: the client sees the connection dropped
        conn, _ = listener.accept()
        conn.close()

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    result = relay(db, SmtpTransport("127.0.0.1", port, "none", timeout=5), clock(), config=relay_config)
    thread.join(5)
    listener.close()
    assert (result.sent, result.retrying) == (0, 3)
    server = SmtpServer(port)
    server.start()
    try:
        clock.advance(minutes=2)
        assert relay(db, server.transport(), clock(), config=relay_config).sent == 3
    finally:
        server.stop()
    assert len(server.inbox.messages) == 3


def test_after_the_last_attempt_a_message_is_failed_and_shown(
    db: Database, engine: Programmes, northbridge: ProgrammeView, clock: Any, relay_config: RelayConfig
) -> None:
    queue(db, clock(), 1)
    dead = SmtpTransport("127.0.0.1", free_port(), "none", timeout=2)
    for _ in range(relay_config.max_attempts):
        relay(db, dead, clock(), config=relay_config)
        clock.advance(hours=1)
    [failed] = list_mail(db, statuses=["failed"])
    assert failed.attempts == relay_config.max_attempts and "cannot connect" in (failed.last_error or "")
    assert relay(db, dead, clock(), config=relay_config).claimed == 0  # never retried on its own
    retry_failed(engine, failed.id, SYSTEM)
    assert list_mail(db, statuses=["pending"])[0].id == failed.id


def test_a_reminder_has_a_stable_message_id_text_html_and_a_calendar_invitation(
    engine: Programmes,
    northbridge: ProgrammeView,
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
) -> None:
    clock.advance(days=46)  # 19 February: courtship's planned end (5 March) is 14 days away
    scan(db, clock())
    relay(db, smtp.transport(), clock(), config=relay_config)
    message = smtp.inbox.to("priya.shah")[0]
    assert str(message["Message-ID"]).endswith("@council.example>")
    assert message.get_body(("plain",)).get_content().startswith("Dear Priya Shah,")
    assert "<p>Dear Priya Shah,</p>" in message.get_body(("html",)).get_content()
    [ics] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert "SUMMARY:Planned end of Courtship" in ics.get_content()


def test_without_smtp_messages_are_written_as_eml_files(
    engine: Programmes,
    northbridge: ProgrammeView,
    db: Database,
    clock: Any,
    settings: Settings,
    relay_config: RelayConfig,
) -> None:
    transport = transport_from_settings(settings)
    assert isinstance(transport, FileTransport)
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)
    assert relay(db, transport, clock(), config=relay_config).sent == 3
    relay(db, transport, clock(), config=relay_config)
    files = sorted((settings.instance / "mail").glob("*.eml"))
    assert len(files) == 3
    parsed = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
    assert {str(m["To"]).split("<")[1].split(".")[0] for m in parsed} == {"tom", "aisha", "gareth"}
    assert all("https://banns.example/sign?t=" in m.get_body(("plain",)).get_content() for m in parsed)
    assert EXAMPLE.exists()


def test_smtp_settings_choose_the_transport(settings: Settings) -> None:
    values = {
        "SMTP_HOST": "smtp.council.example",
        "SMTP_SECURITY": "tls",
        "SMTP_USERNAME": "banns",
        "SMTP_PASSWORD": "pw",
    }
    transport = transport_from_settings(
        Settings(settings.instance, settings.database_url, settings.definitions_dir, settings.secret_key, values)
    )
    assert isinstance(transport, SmtpTransport)
    assert (transport.host, transport.port, transport.security, transport.username) == (
        "smtp.council.example",
        465,
        "tls",
        "banns",
    )


def test_a_run_of_the_scheduler_sends_all_its_batches_over_one_connection(
    db: Database, northbridge: ProgrammeView, clock: Any, smtp: SmtpServer, settings: Settings
) -> None:
    from workflow.reminders.scheduler import Timetable, Worker

    queue(db, clock(), 12)
    values = {**settings.values, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "SMTP_SECURITY": "none"}
    worker = Worker(dataclasses.replace(settings, values=values), db, Timetable(batch=5), clock)
    worker.relay()  # three batches: 5, 5 and 2
    assert len(smtp.inbox.messages) == 12
    assert len(set(smtp.inbox.peers)) == 1
    assert {m.status for m in list_mail(db)} == {"sent"}
