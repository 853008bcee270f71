"""Digests instead of individual emails, and each person's private, revocable calendar feed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import icalendar
import pytest
from reminders_support import SmtpServer, evidence_all

from workflow.engine.db import Database
from workflow.engine.errors import InvalidError, NotFoundError
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.reminders.delivery import RelayConfig, relay
from workflow.reminders.preferences import (
    assemble_digests,
    calendar_feed,
    feed_secret,
    get_preference,
    revoke_feed,
    set_preference,
)
from workflow.reminders.scan import scan
from workflow.reminders.tokens import check_token
from workflow.settings import Settings


def test_a_daily_digest_gathers_the_days_messages_into_one_email_with_working_links(
    engine: Programmes,
    northbridge: ProgrammeView,
    who: dict[str, int],
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
    settings: Settings,
) -> None:
    set_preference(db, who["tom"], "daily", clock())
    assert get_preference(db, who["tom"]) == "daily"
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)
    engine.sign(northbridge.id, who["aisha"], "reject", "Budget not agreed")
    relay(db, smtp.transport(), clock(), config=relay_config)
    assert smtp.inbox.to("tom.hardy") == []  # held for the digest
    assert assemble_digests(db, clock()) == 1  # 09:00: today's digest is due
    assert assemble_digests(db, clock()) == 0  # and written once
    relay(db, smtp.transport(), clock(), config=relay_config)
    [digest] = smtp.inbox.to("tom.hardy")
    text = digest.get_body(("plain",)).get_content()
    assert str(digest["Subject"]).startswith("Your daily digest: 1 message")
    assert "Your sign-off is requested" in text and "https://banns.example/sign?t=" in text
    assert "https://banns.example/sign?t=" in digest.get_body(("html",)).get_content()
    token = text.split("/sign?t=")[1].split()[0]  # the digest carries Tom's own link, and it works
    assert check_token(db, token, clock(), settings=settings).person_id == who["tom"]

    clock.advance(days=9)  # the first reminder (13 January) also waits for the next digest
    scan(db, clock())
    assert assemble_digests(db, clock()) == 1
    relay(db, smtp.transport(), clock(), config=relay_config)
    assert "Reminder: your sign-off is awaited" in smtp.inbox.to("tom.hardy")[-1].get_body(("plain",)).get_content()


def test_a_weekly_digest_waits_for_monday(
    engine: Programmes, northbridge: ProgrammeView, who: dict[str, int], db: Database, clock: Any
) -> None:
    clock.now = datetime(2027, 1, 4, 6, 0, tzinfo=UTC)  # Monday, before 07:00
    set_preference(db, who["gareth"], "weekly", clock())
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)
    assert assemble_digests(db, clock()) == 0
    clock.advance(hours=2)
    assert assemble_digests(db, clock()) == 1
    clock.advance(days=1)
    engine.record_evidence(northbridge.id, "vision_drafted", "Redrafted")
    engine.request_sign_off(northbridge.id)
    assert assemble_digests(db, clock()) == 0  # this week's digest went already
    clock.advance(days=6)
    assert assemble_digests(db, clock()) == 1


def test_switching_back_to_individual_releases_held_messages(
    engine: Programmes,
    northbridge: ProgrammeView,
    who: dict[str, int],
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
) -> None:
    set_preference(db, who["tom"], "weekly", clock())
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)
    set_preference(db, who["tom"], "individual", clock())
    relay(db, smtp.transport(), clock(), config=relay_config)
    assert len(smtp.inbox.to("tom.hardy")) == 1
    with pytest.raises(InvalidError):
        set_preference(db, who["tom"], "hourly", clock())


def test_the_calendar_feed_lists_a_persons_deadlines_until_revoked(
    engine: Programmes, northbridge: ProgrammeView, who: dict[str, int], db: Database, clock: Any
) -> None:
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)
    secret = feed_secret(db, who["priya"], clock())
    assert feed_secret(db, who["priya"], clock()) == secret
    feed = icalendar.Calendar.from_ical(calendar_feed(db, secret, clock()))
    events = {(str(e["SUMMARY"]), e.decoded("DTSTART")) for e in feed.walk("VEVENT")}
    name = northbridge.name
    assert (f"Planned end of Courtship: {name}", datetime(2027, 3, 5).date()) in events
    assert any(s.startswith("Employee liability information") for s, _ in events)

    tom = icalendar.Calendar.from_ical(calendar_feed(db, feed_secret(db, who["tom"], clock()), clock()))
    assert [(str(e["SUMMARY"]), e.decoded("DTSTART")) for e in tom.walk("VEVENT")] == [
        (f"Sign-off due: {name}, Courtship", datetime(2027, 1, 22).date())
    ]

    new = revoke_feed(db, who["priya"], clock())
    with pytest.raises(NotFoundError):
        calendar_feed(db, secret, clock())
    assert "BEGIN:VCALENDAR" in calendar_feed(db, new, clock())
