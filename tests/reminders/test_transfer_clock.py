"""TUPE clocks counted in calendar days: a deadline that falls on a weekend or bank holiday is reminded on the
last working day on or before it, since that is when it has to be met."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from workflow.engine.definitions import TransferClock, load_definition
from workflow.reminders import calendar as cal
from workflow.reminders.duties import Facts, transfer_deadline

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = load_definition(ROOT / "definitions" / "shared-service.yaml")
ELI = next(r for r in DEFINITION.reminders if isinstance(r, TransferClock))


def facts(transfer: date, nations: dict[int, str] | None = None) -> Facts:
    return Facts(
        id=1,
        name="Herefordshire shared services",
        definition=DEFINITION,
        state="full_case",
        stage_visit=1,
        subject=None,
        round=0,
        requested_at=None,
        partners=nations or {1: "england", 2: "england"},
        holders=[],
        plans={"transfer": (None, transfer)},
    )


def test_the_eli_deadline_is_moved_off_a_sunday_to_the_friday_before() -> None:
    assert ELI.days_before_transfer == 28 and not ELI.working_days
    transfer = date(2027, 5, 2)  # 28 days before is Sunday 4 April 2027
    assert transfer_deadline(facts(transfer), ELI) == date(2027, 4, 2)


def test_a_bank_holiday_moves_it_back_again() -> None:
    # 28 days before 23 January 2028 is Sunday 26 December 2027; the 27th and 28th are bank holidays
    assert transfer_deadline(facts(date(2028, 1, 23)), ELI) == date(2027, 12, 24)


def test_a_deadline_on_a_working_day_stays() -> None:
    transfer = date(2027, 5, 5)  # 28 days before is Wednesday 7 April 2027
    assert transfer_deadline(facts(transfer), ELI) == date(2027, 4, 7)
    assert cal.working_day_on_or_before(date(2027, 4, 7)) == date(2027, 4, 7)
