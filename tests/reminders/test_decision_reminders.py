"""Reminders about each partner's democratic decision, through a real SMTP server with the test's clock: the
call-in period's end is reminded once, on the working day before it (the lifecycle's ``days_before: 1``),
to the programme manager, the chair and the partner's own signatory; never twice, and not after a call-in.
A key decision not yet on the forward plan is reminded before its latest publication date."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from reminders_support import SmtpServer, run_days

from workflow.engine.db import Database
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.records.decisions import DecisionInput, Decisions
from workflow.reminders.delivery import RelayConfig

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "records"))
from decision_walks import everyone_approves, record_all, walk_to_outline_case


def about(received: dict[str, list[tuple[date, str]]], words: str) -> dict[str, list[date]]:
    return {
        who: [d for d, s in got if s.startswith(words)]
        for who, got in received.items()
        if any(s.startswith(words) for _, s in got)
    }


def outline_case(engine: Programmes, northbridge: ProgrammeView, who: dict[str, int]) -> ProgrammeView:
    walk_to_outline_case(engine, northbridge.id, who)
    record_all(engine, northbridge.id)
    engine.request_sign_off(northbridge.id)
    return everyone_approves(engine, northbridge.id, who)


def test_call_in_expiry_is_reminded_once_on_the_working_day_before(
    engine: Programmes,
    northbridge: ProgrammeView,
    who: dict[str, int],
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
) -> None:
    view = outline_case(engine, northbridge, who)
    decisions = Decisions(engine.db, engine.registry, engine.clock, engine.listeners)
    north, south = (next(p.id for p in view.partners if p.name.startswith(n)) for n in ("Northbridge", "Southmoor"))
    # Monday 4 January 2027; call-in: Tuesday 5 to Monday 11 January
    for partner in (north, south):
        decisions.record(
            view.id,
            DecisionInput(partner, "cabinet", date(2027, 1, 4), True, date(2026, 12, 1), "Minute 7/27", "approved"),
        )
    decisions.call_in(view.id, decisions.board(view.id).asked[1].decision.id, date(2027, 1, 4))  # type: ignore[union-attr]

    received = run_days(db, clock, smtp, relay_config, date(2027, 1, 20))

    ending = about(received, "Call-in period ends")
    assert ending == {"priya": [date(2027, 1, 8)], "helen": [date(2027, 1, 8)], "tom": [date(2027, 1, 8)]}
    mail = smtp.inbox.to("tom.hardy")
    body = next(m for m in mail if str(m["Subject"]).startswith("Call-in")).get_body(("plain",)).get_content()
    assert "Northbridge District Council" in body and "11 January 2027" in body
    assert len(smtp.inbox.ids()) == len(set(smtp.inbox.ids()))


def test_a_key_decision_not_on_the_forward_plan_is_reminded_before_its_latest_day(
    engine: Programmes,
    northbridge: ProgrammeView,
    who: dict[str, int],
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
) -> None:
    view = outline_case(engine, northbridge, who)
    decisions = Decisions(engine.db, engine.registry, engine.clock, engine.listeners)
    north = next(p.id for p in view.partners if p.name.startswith("Northbridge"))
    # meeting Thursday 18 February: published by Wednesday 20 January (28 clear days), reminded 5 working days before
    decisions.record(view.id, DecisionInput(north, "cabinet", date(2027, 2, 18), True))

    received = run_days(db, clock, smtp, relay_config, date(2027, 2, 19))

    assert about(received, "Key decision due on the forward plan") == {
        "priya": [date(2027, 1, 13)],
        "helen": [date(2027, 1, 13)],
        "tom": [date(2027, 1, 13)],
    }
    # the papers: three working days before the meeting, none recorded
    assert about(received, "Papers not recorded")["tom"] == [date(2027, 2, 15)]
