"""Reminders that follow the partnership records, against a real SMTP server and a clock the test moves: a
signatory's sign-off reminders go to their deputy while the delegation runs (and to them otherwise), and a
RAID entry's review date sends its owner one email on the last working day on or before it, never twice."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from typing import Any

import pytest
from reminders_support import SmtpServer, evidence_all, run_days

from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.records.raid import RaidFields, RaidLog
from workflow.reminders.delivery import RelayConfig, relay
from workflow.reminders.tokens import TokenUsedError, check_token

LINK = re.compile(r"https://banns\.example/sign\?t=([\w.-]+)")


def about(received: dict[str, list[tuple[date, str]]], word: str) -> dict[str, list[date]]:
    return {who: [d for d, s in got if word in s] for who, got in received.items() if any(word in s for _, s in got)}


def test_the_signatorys_reminder_goes_to_the_deputy_while_the_delegation_runs(
    engine: Programmes,
    northbridge: ProgrammeView,
    who: dict[str, int],
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
) -> None:
    pid = northbridge.id
    evidence_all(engine, pid)
    engine.request_sign_off(pid)  # Monday 4 January 2027: reminders every 7 working days, 13 and 22 January
    engine.name_deputy(pid, who["tom"], who["helen"], date(2027, 1, 11), date(2027, 1, 15), "leave", "Skiing")
    received = run_days(db, clock, smtp, relay_config, date(2027, 1, 25))

    assert about(received, "your sign-off is awaited") == {
        "tom": [date(2027, 1, 22)],  # not on 13 January: his deputy had it
        "aisha": [date(2027, 1, 13), date(2027, 1, 22)],
        "gareth": [date(2027, 1, 13), date(2027, 1, 22)],
    }
    assert about(received, "as deputy for Tom Hardy") == {"helen": [date(2027, 1, 13)]}
    message = next(m for m in smtp.inbox.to("helen.marsh") if "as deputy" in str(m["Subject"]))
    body = message.get_body(("plain",)).get_content()
    assert "You are Tom Hardy's deputy until Friday 15 January 2027" in body
    assert "/sign?t=" not in body  # no approve-from-email link: the deputy decides on the gate page
    assert len(smtp.inbox.ids()) == len(set(smtp.inbox.ids()))


def test_a_revoked_delegation_sends_the_reminder_back_to_the_signatory(
    engine: Programmes,
    northbridge: ProgrammeView,
    who: dict[str, int],
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
) -> None:
    pid = northbridge.id
    evidence_all(engine, pid)
    engine.request_sign_off(pid)
    made = engine.name_deputy(pid, who["tom"], who["helen"], date(2027, 1, 4), date(2027, 1, 29), "leave")
    revoke = {date(2027, 1, 12): lambda: engine.revoke_deputy(pid, made.id)}
    received = run_days(db, clock, smtp, relay_config, date(2027, 1, 14), revoke)
    assert about(received, "your sign-off is awaited")["tom"] == [date(2027, 1, 13)]
    assert "helen" not in received


def test_a_raid_review_date_emails_the_owner_once_on_the_working_day_on_or_before_it(
    engine: Programmes,
    northbridge: ProgrammeView,
    who: dict[str, int],
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
) -> None:
    pid = northbridge.id
    raid = RaidLog(engine.db, engine.registry, engine.clock, engine.listeners)
    # a Saturday: the owner hears on Friday 5 February, so the review can happen on the day
    raid.add(pid, RaidFields("risk", "Pension strain", who["oliver"], 4, 5, review_on=date(2027, 2, 6)))
    # a Wednesday: on the day itself
    raid.add(pid, RaidFields("dependency", "ICT contract", who["fiona"], 2, 2, review_on=date(2027, 1, 20)))
    # closed before its review: nothing
    closed = raid.add(pid, RaidFields("issue", "Printer lease", who["dev"], 1, 1, review_on=date(2027, 1, 13)))
    raid.close(pid, closed.id, "Lease ended")
    received = run_days(db, clock, smtp, relay_config, date(2027, 2, 12))

    assert about(received, "Review due") == {"oliver": [date(2027, 2, 5)], "fiona": [date(2027, 1, 20)]}
    message = smtp.inbox.to("oliver.grant")[0]
    body = message.get_body(("plain",)).get_content()
    assert 'You own the risk "Pension strain"' in body and "rating 20, very high" in body
    assert any(p.get_content_type() == "text/calendar" for p in message.iter_attachments())
    assert len(smtp.inbox.ids()) == len(set(smtp.inbox.ids()))


def test_a_review_on_a_bank_holiday_weekend_is_reminded_before_it_and_a_new_date_reminds_again(
    engine: Programmes,
    northbridge: ProgrammeView,
    who: dict[str, int],
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
) -> None:
    pid = northbridge.id
    raid = RaidLog(engine.db, engine.registry, engine.clock, engine.listeners)
    fields = RaidFields("risk", "Key decision slips", who["tom"], 3, 4, review_on=date(2027, 3, 29))
    entry = raid.add(pid, fields)  # Easter Monday 2027; Good Friday is 26 March
    clock.now = clock.now.replace(month=3, day=22)
    moved = dataclasses.replace(fields, review_on=date(2027, 4, 1))
    later = {date(2027, 3, 30): lambda: raid.edit(pid, entry.id, moved)}
    received = run_days(db, clock, smtp, relay_config, date(2027, 4, 6), later)
    assert about(received, "Review due") == {"tom": [date(2027, 3, 25), date(2027, 4, 1)]}


def test_the_request_tells_the_running_deputy_and_their_decision_uses_up_the_signatorys_link(
    engine: Programmes,
    northbridge: ProgrammeView,
    who: dict[str, int],
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
    settings: Any,
) -> None:
    pid = northbridge.id
    engine.name_deputy(pid, who["tom"], who["helen"], date(2027, 1, 4), date(2027, 1, 8), "conflict_of_interest")
    evidence_all(engine, pid)
    engine.request_sign_off(pid)
    relay(db, smtp.transport(), clock(), config=relay_config)
    subjects = {str(m["To"]).split("<")[1].split(".")[0]: str(m["Subject"]) for m in smtp.inbox.messages}
    assert subjects["tom"].startswith("Your sign-off is requested")
    assert subjects["helen"].startswith("As deputy for Tom Hardy, a sign-off is requested")
    link = next(m for m in smtp.inbox.to("tom.hardy")).get_body(("plain",)).get_content()
    token = LINK.search(link).group(1)  # type: ignore[union-attr]
    engine.sign(pid, who["helen"], "approve", on_behalf_of=who["tom"])
    with pytest.raises(TokenUsedError):
        check_token(db, token, clock(), settings=settings)
