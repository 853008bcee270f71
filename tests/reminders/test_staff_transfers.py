"""Staff transfer records: per transferring partner the headcount, roles and transfer day, the TUPE duties that
day sets, and the reminders counted back from it (on the last working day on or before each deadline), which
stop once the duty is recorded as done."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reminders_support import SmtpServer, run_days
from test_reminder_scan import reminders

from workflow.engine.db import Database
from workflow.engine.errors import InvalidError, NotAllowedError
from workflow.engine.permissions import Actor
from workflow.engine.programmes import Programmes
from workflow.engine.transfers import StaffTransferSpec, duties
from workflow.engine.views import ProgrammeView
from workflow.reminders.delivery import RelayConfig

ELI_SUBJECT = "Employee liability information must reach the new employer"


def partner(view: ProgrammeView, name: str) -> int:
    return next(p.id for p in view.partners if p.name.startswith(name))


def test_a_recorded_transfer_shows_its_duties_and_the_log_says_what_changed(
    engine: Programmes, northbridge: ProgrammeView, who: dict[str, int]
) -> None:
    eastvale = partner(northbridge, "Eastvale")
    spec = StaffTransferSpec(
        eastvale, headcount=315, transfer_date=date(2027, 5, 2), roles=(" Payroll officer ", "", "ICT analyst")
    )
    first = engine.record_staff_transfer(northbridge.id, spec, Actor(who["priya"], "Priya Shah"))
    assert first.roles == ("Payroll officer", "ICT analyst") and first.headcount == 315
    eli = first.duties[0]
    assert (eli.code, eli.due) == ("employee_liability_information", date(2027, 4, 4))  # 28 calendar days
    assert eli.status(date(2027, 4, 4)) == "due" and eli.status(date(2027, 4, 5)) == "overdue"
    assert len(first.duties) == 1  # no redundancies proposed: no collective consultation duty

    corrected = engine.record_staff_transfer(
        northbridge.id,
        StaffTransferSpec(
            eastvale, 315, date(2027, 5, 2), first.roles, redundancies=120, eli_given_on=date(2027, 4, 6)
        ),
        Actor(who["priya"], "Priya Shah"),
    )
    assert corrected.duties[0].status(date(2027, 4, 10)) == "late"
    assert (corrected.duties[1].code, corrected.duties[1].due) == ("collective_consultation", date(2027, 3, 18))
    [shown] = engine.staff_transfers(northbridge.id, Actor(who["sam"], "Sam Ellis"))  # an observer may read
    assert shown == corrected
    last = engine.history(northbridge.id)[-1]
    assert last.kind == "staff_transfer_recorded" and last.actor == "Priya Shah"
    assert last.data["changes"] == {"redundancies": [0, 120], "eli_given_on": [None, "2027-04-06"]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"headcount": 0}, "headcount"),
        ({"redundancies": 400}, "redundancies"),
        ({"transfer_date": date(9999, 12, 31)}, "transfer_date"),
        ({"roles": ("Payroll\nofficer",)}, "roles"),
        (
            {"consultation_began_on": date(2027, 3, 1), "consultation_ended_on": date(2027, 2, 1)},
            "consultation_ended_on",
        ),
    ],
)
def test_bad_records_are_refused_naming_the_field_and_nothing_is_saved(
    engine: Programmes, northbridge: ProgrammeView, change: dict[str, Any], field: str
) -> None:
    spec = StaffTransferSpec(partner(northbridge, "Eastvale"), 315, date(2027, 5, 2))
    with pytest.raises(InvalidError) as refused:
        engine.record_staff_transfer(northbridge.id, StaffTransferSpec(**{**spec.__dict__, **change}))
    assert refused.value.field == field
    assert engine.staff_transfers(northbridge.id) == []


def test_only_managers_record_and_only_for_current_partners(
    engine: Programmes, northbridge: ProgrammeView, who: dict[str, int]
) -> None:
    spec = StaffTransferSpec(partner(northbridge, "Eastvale"), 10, date(2027, 5, 2))
    with pytest.raises(NotAllowedError):
        engine.record_staff_transfer(northbridge.id, spec, Actor(who["tom"], "Tom Hardy"))
    engine.withdraw(northbridge.id, spec.partner_id, "leaving")
    with pytest.raises(InvalidError, match="has withdrawn"):
        engine.record_staff_transfer(northbridge.id, spec)


@given(redundancies=st.integers(0, 5000), day=st.dates(date(2001, 1, 1), date(2099, 12, 31)))
def test_collective_consultation_follows_the_thresholds(redundancies: int, day: date) -> None:
    found = {d.code: day - d.due for d in duties(day, redundancies, None, None)}
    assert found["employee_liability_information"] == timedelta(days=28)
    expected = 45 if redundancies >= 100 else 30 if redundancies >= 20 else None
    assert found.get("collective_consultation") == (timedelta(days=expected) if expected else None)


def test_the_eli_reminder_counts_back_from_each_partners_transfer_and_stops_once_given(
    engine: Programmes,
    northbridge: ProgrammeView,
    db: Database,
    clock: Any,
    smtp: SmtpServer,
    relay_config: RelayConfig,
) -> None:
    # Eastvale transfers on Sunday 2 May 2027: 28 days before is Sunday 4 April, so the deadline is Friday 2 April
    # (Good Friday is 26 March 2027, Easter Monday 29 March), reminded from 14 working days before.
    # Southmoor transfers on 1 June, and has already given its information.
    engine.record_staff_transfer(
        northbridge.id, StaffTransferSpec(partner(northbridge, "Eastvale"), 40, date(2027, 5, 2))
    )
    engine.record_staff_transfer(
        northbridge.id,
        StaffTransferSpec(partner(northbridge, "Southmoor"), 12, date(2027, 6, 1), eli_given_on=date(2027, 1, 4)),
    )
    clock.advance(days=60)
    received = run_days(db, clock, smtp, relay_config, date(2027, 4, 30))
    warned = reminders(received, ELI_SUBJECT)
    assert set(warned) == {"priya", "helen"}
    assert len(warned["priya"]) == 1  # once, never again on later scans
    [mail] = [m for m in smtp.inbox.to("priya.shah") if str(m["Subject"]).startswith(ELI_SUBJECT)]
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Eastvale Borough Council's staff transfer" in body and "2 April 2027" in body
