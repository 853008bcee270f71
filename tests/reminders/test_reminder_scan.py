"""The reminder scan against a real SMTP server and a clock the test moves: right days, right people, working
links, escalation, bank holidays skipped, silence once signed, nothing sent twice."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from reminders_support import EXAMPLE, SmtpServer, evidence_all, run_days
from sqlalchemy import event, func, select

from workflow.engine.db import Database
from workflow.engine.importer import load_programme
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.reminders.delivery import RelayConfig, relay
from workflow.reminders.models import OutboxMessage
from workflow.reminders.scan import scan
from workflow.reminders.tokens import TokenUsedError, check_token
from workflow.settings import Settings

LINK = re.compile(r"https://banns\.example/sign\?t=([\w.-]+)")


def reminders(received: dict[str, list[tuple[date, str]]], word: str) -> dict[str, list[date]]:
    return {
        who: [d for d, s in got if s.startswith(word)]
        for who, got in received.items()
        if any(s.startswith(word) for _, s in got)
    }


def test_signatories_are_chased_on_working_days_then_escalated_until_they_sign(
    engine: Programmes,
    northbridge: ProgrammeView,
    who: dict[str, int],
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
    settings: Settings,
) -> None:
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)  # Monday 4 January 2027
    tom_signs = {date(2027, 1, 14): lambda: engine.sign(northbridge.id, who["tom"], "approve")}
    received = run_days(db, clock, smtp, relay_config, date(2027, 2, 1), tom_signs)

    # every 7 working days: Wed 13 Jan, Fri 22 Jan, Tue 2 Feb (after the end of this run)
    chased = reminders(received, "Reminder")
    assert chased == {
        "tom": [date(2027, 1, 13)],
        "aisha": [date(2027, 1, 13), date(2027, 1, 22)],
        "gareth": [date(2027, 1, 13), date(2027, 1, 22)],
    }
    escalated = reminders(received, "Escalation")
    assert escalated == {"helen": [date(2027, 1, 22)], "priya": [date(2027, 1, 22)]}
    body = smtp.inbox.to("helen.marsh")[-1].get_body(("plain",)).get_content()
    assert "Still to decide: Aisha Khan, Gareth Evans." in body
    assert len(smtp.inbox.ids()) == len(set(smtp.inbox.ids()))  # nothing twice

    # the link in Aisha's latest reminder is hers, for this gate, and works once
    reminder = [m for m in smtp.inbox.to("aisha.khan") if str(m["Subject"]).startswith("Reminder")][-1]
    text, html = (reminder.get_body((kind,)).get_content() for kind in ("plain", "html"))
    token = LINK.search(text).group(1)  # type: ignore[union-attr]
    assert f"https://banns.example/sign?t={token}" in html
    claim = check_token(db, token, clock(), settings=settings)
    assert (claim.person_id, claim.programme_id, claim.stage) == (who["aisha"], northbridge.id, "courtship")
    engine.sign(claim.programme_id, claim.person_id, "approve")
    with pytest.raises(TokenUsedError):
        check_token(db, token, clock(), settings=settings)


def test_working_days_skip_each_nations_bank_holidays(
    engine: Programmes, db: Database, clock: Any, smtp: SmtpServer, relay_config: RelayConfig
) -> None:
    spec, located = load_programme(EXAMPLE)
    partners = [
        p.model_copy(update={"nation": "scotland"}) if p.name.startswith("Southmoor") else p for p in spec.partners
    ]
    clock.now = datetime(2027, 3, 22, 9, 0, tzinfo=UTC)  # Monday before Easter
    view = engine.start(spec.model_copy(update={"partners": partners}), located)
    evidence_all(engine, view.id)
    engine.request_sign_off(view.id)
    chased = reminders(run_days(db, clock, smtp, relay_config, date(2027, 4, 5)), "Reminder")
    # England: Good Friday 26 March and Easter Monday 29 March skipped; Scotland has no Easter Monday holiday
    assert chased == {"tom": [date(2027, 4, 2)], "gareth": [date(2027, 4, 2)], "aisha": [date(2027, 4, 1)]}


def test_a_scheduler_that_was_down_sends_the_latest_reminder_once(
    engine: Programmes,
    northbridge: ProgrammeView,
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
) -> None:
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)
    clock.now = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)  # down since the request: three reminders missed
    scan(db, clock())
    relay(db, smtp.transport(), clock(), config=relay_config)
    subjects = [str(m["Subject"]) for m in smtp.inbox.to("tom.hardy")]
    assert subjects.count(f"Reminder: your sign-off is awaited: {northbridge.name}, Courtship") == 1


def test_stage_end_warning_goes_to_the_managers_with_a_calendar_invitation(
    engine: Programmes,
    northbridge: ProgrammeView,
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
) -> None:
    # courtship is planned for 60 days from 4 January: ends Friday 5 March; warned 14 days before
    received = run_days(db, clock, smtp, relay_config, date(2027, 2, 20))
    warned = {k: v for k, v in reminders(received, "Courtship is planned to end").items()}
    assert warned == {"priya": [date(2027, 2, 19)], "helen": [date(2027, 2, 19)]}
    message = smtp.inbox.to("priya.shah")[-1]
    ics = next(p for p in message.iter_attachments() if p.get_content_type() == "text/calendar")
    assert "DTSTART;VALUE=DATE:20270305" in ics.get_content()


def count_statements(db: Database, now: datetime) -> int:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        scan(db, now)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def start_many(engine: Programmes, count: int, prefix: str) -> None:
    spec, located = load_programme(EXAMPLE)
    for n in range(count):
        engine.start(spec.model_copy(update={"name": f"{prefix} {n}"}), located)


@pytest.mark.slow
def test_the_scan_runs_the_same_statements_for_10_and_100_programmes(
    engine: Programmes, db: Database, clock: Any
) -> None:
    start_many(engine, 10, "First")
    first = engine.list()[0].id
    evidence_all(engine, first)
    engine.request_sign_off(first)
    clock.now = datetime(2027, 2, 19, 9, 0, tzinfo=UTC)  # every programme's stage end warning is due
    at_10 = count_statements(db, clock())
    with db.read() as session:
        written_10 = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind.in_(["stage_end", "sign_off_reminder", "escalation"]))
        )
    clock.now = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    start_many(engine, 90, "More")
    clock.now = datetime(2027, 2, 19, 9, 0, tzinfo=UTC) + timedelta(days=1)
    at_100 = count_statements(db, clock())
    with db.read() as session:
        written_100 = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind.in_(["stage_end", "sign_off_reminder", "escalation"]))
        )
    assert written_10 == 10 * 2 + 3 + 2  # warnings to the PM and chair; 3 reminders, 2 escalations
    assert written_100 == written_10 + 90 * 2  # the first 10 were not warned again
    assert at_100 <= at_10  # never more for more programmes (fewer when nothing new carries a sign-off link)
