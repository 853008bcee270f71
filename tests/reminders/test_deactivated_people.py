"""A deactivated person is sent nothing: neither the request for their decision nor the reminders that
chase it; once reactivated, the reminder due reaches them that day."""

from __future__ import annotations

from datetime import date
from typing import Any

from reminders_support import SmtpServer, evidence_all, run_days

from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.permissions import Actor
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.reminders.delivery import RelayConfig


def test_a_deactivated_signatory_gets_no_request_and_no_reminder_until_reactivated(
    engine: Programmes,
    northbridge: ProgrammeView,
    who: dict[str, int],
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
) -> None:
    accounts = Accounts(db)
    admin = Actor(who["helen"], "Helen Marsh", is_admin=True)
    accounts.deactivate(who["tom"], clock(), actor=admin)
    evidence_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)  # Monday 4 January 2027
    reactivate = {date(2027, 1, 18): lambda: accounts.reactivate(who["tom"], clock(), actor=admin)}
    received = run_days(db, clock, smtp, relay_config, date(2027, 1, 25), reactivate)

    assert {s for _, s in received["aisha"] if s.startswith("Reminder")}, "the others are chased"
    assert all(day >= date(2027, 1, 18) for day, _ in received["tom"])  # nothing while deactivated
    first_day, first = received["tom"][0]
    assert first_day == date(2027, 1, 18) and first.startswith("Reminder")  # chased again once back
