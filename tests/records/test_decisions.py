"""Each partner's democratic decision at a gate: a cabinet approval counts only once its call-in period has
passed; a call-in suspends it until resolved; short forward-plan notice and pre-election periods are flagged;
only the programme manager and the partner's own signatory may record; bad dates are refused by field."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from decision_walks import everyone_approves, record_all, walk_to_outline_case
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.words_support import english
from workflow.engine.db import Database
from workflow.engine.errors import InvalidError, MoveRefusedError, NotAllowedError
from workflow.engine.models import Event
from workflow.engine.permissions import Actor
from workflow.engine.programmes import Programmes
from workflow.engine.views import ProgrammeView
from workflow.records import decision_rules as rules
from workflow.records.decisions import DecisionInput, Decisions

MEETING = date(2027, 1, 4)  # Monday: the clock's first day
PUBLISHED = date(2026, 12, 1)  # 33 clear days before


@pytest.fixture
def decisions(programmes: Programmes) -> Decisions:
    return Decisions(programmes.db, programmes.registry, programmes.clock)


@pytest.fixture
def outline(programmes: Programmes, sample: ProgrammeView, people: dict[str, int]) -> ProgrammeView:
    walk_to_outline_case(programmes, sample.id, people)
    record_all(programmes, sample.id)
    programmes.request_sign_off(sample.id)
    return everyone_approves(programmes, sample.id, people)


def pid_of(view: ProgrammeView, prefix: str) -> int:
    return next(p.id for p in view.partners if p.name.startswith(prefix))


def cabinet(partner_id: int, **changes: Any) -> DecisionInput:
    values: dict[str, Any] = {
        "partner_id": partner_id,
        "body": "cabinet",
        "meeting_on": MEETING,
        "key_decision": True,
        "forward_plan_on": PUBLISHED,
        "minutes": "https://democracy.example.gov.uk/mgIssueHistoryHome.aspx?IId=42",
        "outcome": "approved",
    }
    return DecisionInput(**{**values, **changes})


def status_of(decisions: Decisions, pid: int) -> dict[int, tuple[str, date | None]]:
    return {s.partner_id: (s.status, s.counts_from) for s in decisions.board(pid).asked}


def at(clock: Any, day: date, hour: int = 9) -> None:
    clock.now = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_a_cabinet_approval_counts_after_call_in_and_a_call_in_suspends_it(
    programmes: Programmes, decisions: Decisions, outline: ProgrammeView, clock: Any
) -> None:
    pid = outline.id
    assert outline.gate is not None and not outline.gate.report.passed
    assert {h.status for h in outline.gate.report.holds} == {"awaiting_decision"}
    north, south = pid_of(outline, "Northbridge"), pid_of(outline, "Southmoor")
    for p in outline.partners:
        decisions.record(pid, cabinet(p.id))

    # five working days of call-in: Tuesday 5 to Monday 11 January; the approvals count from Tuesday 12th
    assert status_of(decisions, pid)[north] == ("in_call_in", date(2027, 1, 12))
    with pytest.raises(MoveRefusedError) as refused:
        programmes.advance(pid)
    assert any("Northbridge District Council does not count yet" in r for r in english(refused.value.reasons))

    at(clock, date(2027, 1, 7))
    call = decisions.call_in(pid, decisions.board(pid).asked[1].decision.id, date(2027, 1, 7), "five members")  # type: ignore[union-attr]
    at(clock, date(2027, 1, 11), hour=23)  # still Monday 11th in London
    assert status_of(decisions, pid)[north] == ("in_call_in", date(2027, 1, 12))

    at(clock, date(2027, 1, 12))
    statuses = status_of(decisions, pid)
    assert statuses[north] == ("counts", date(2027, 1, 12)) and statuses[south] == ("called_in", None)
    view = programmes.get(pid)
    assert view.gate is not None and not view.gate.report.passed
    assert [h.partner_id for h in view.gate.report.holds if h.holds] == [south]
    with pytest.raises(MoveRefusedError) as refused:
        programmes.advance(pid)
    assert any(
        "Southmoor District Council does not count yet" in r and "called_in" in r
        for r in english(refused.value.reasons)
    )

    at(clock, date(2027, 1, 14))
    decisions.resolve_call_in(pid, call, "decision_stands", date(2027, 1, 14))
    assert status_of(decisions, pid)[south] == ("counts", date(2027, 1, 14))
    assert programmes.advance(pid).state == "prenup"


def test_a_decision_referred_back_does_not_count_until_decided_again(
    decisions: Decisions, outline: ProgrammeView, clock: Any
) -> None:
    south = pid_of(outline, "Southmoor")
    decision = decisions.record(outline.id, cabinet(south))
    at(clock, date(2027, 1, 6))
    call = decisions.call_in(outline.id, decision, date(2027, 1, 6))
    decisions.resolve_call_in(outline.id, call, "referred_back", date(2027, 1, 6))
    at(clock, date(2027, 2, 1))
    assert status_of(decisions, outline.id)[south] == ("referred_back", None)
    decisions.record(outline.id, cabinet(south, meeting_on=date(2027, 1, 25), forward_plan_on=date(2026, 12, 20)))
    assert status_of(decisions, outline.id)[south] == ("in_call_in", date(2027, 2, 2))


def test_every_change_is_an_event_with_its_actor(
    db: Database, decisions: Decisions, outline: ProgrammeView, people: dict[str, int]
) -> None:
    aisha = Actor(people["aisha"], "Aisha Khan")
    south = pid_of(outline, "Southmoor")
    decision = decisions.record(outline.id, cabinet(south), aisha)
    decisions.call_in(outline.id, decision, MEETING, actor=aisha)
    decisions.set_pre_election(outline.id, south, date(2027, 3, 22), date(2027, 5, 6), aisha)
    with db.read() as session:
        events = session.scalars(select(Event).where(Event.programme_id == outline.id).order_by(Event.seq)).all()
        mine = [(e.kind, e.actor, e.data.get("partner_id")) for e in events[-3:]]
        first = dict(events[-3].data)
    assert mine == [
        ("decision_recorded", "Aisha Khan", south),
        ("call_in_recorded", "Aisha Khan", south),
        ("pre_election_period_set", "Aisha Khan", south),
    ]
    assert first["short_notice"] is False and first["meeting_on"] == "2027-01-04"


def test_forward_plan_notice_of_fewer_than_28_clear_days_is_flagged_not_refused(
    decisions: Decisions, outline: ProgrammeView
) -> None:
    north, south = pid_of(outline, "Northbridge"), pid_of(outline, "Southmoor")
    decisions.record(outline.id, cabinet(north, forward_plan_on=date(2026, 12, 7)))  # 27 clear days
    decisions.record(outline.id, cabinet(south, forward_plan_on=date(2026, 12, 6)))  # 28 clear days
    seen = {s.partner_id: s.decision for s in decisions.board(outline.id).asked}
    assert seen[north] is not None and (seen[north].clear_days, seen[north].short_notice) == (27, True)
    assert seen[south] is not None and (seen[south].clear_days, seen[south].short_notice) == (28, False)


@given(meeting=st.dates(date(2001, 1, 1), date(2099, 1, 1)), clear=st.integers(0, 120))
def test_clear_days_exclude_the_day_of_publication_and_the_meeting(meeting: date, clear: int) -> None:
    published = meeting - timedelta(days=clear + 1)
    assert rules.clear_days(published, meeting) == clear
    assert rules.short_notice(True, published, meeting) == (clear < 28)
    assert not rules.short_notice(False, published, meeting)
    assert (published <= rules.latest_publication(meeting)) == (clear >= 28)


@given(meeting=st.dates(date(2001, 1, 1), date(2099, 1, 1)), days=st.integers(1, 20))
def test_the_call_in_period_ends_on_a_working_day_after_the_meeting(meeting: date, days: int) -> None:
    from workflow.engine.calendar import is_working_day

    ends = rules.call_in_ends(meeting, days, "england")
    assert ends > meeting and is_working_day(ends, ("england",))
    assert (
        sum(is_working_day(meeting + timedelta(days=i), ("england",)) for i in range(1, (ends - meeting).days + 1))
        == days
    )


def test_a_meeting_and_the_go_live_in_a_pre_election_period_are_flagged(
    decisions: Decisions, outline: ProgrammeView
) -> None:
    east = pid_of(outline, "Eastvale")
    go_live = next(p for p in outline.plan if p.stage == "go_live").planned_end
    assert go_live is not None
    decisions.record(outline.id, cabinet(east))
    assert not decisions.board(outline.id).asked[2].decision.in_pre_election  # type: ignore[union-attr]
    decisions.set_pre_election(outline.id, east, date(2026, 11, 30), date(2027, 1, 4))
    decisions.set_pre_election(outline.id, east, go_live - timedelta(days=40), go_live)
    board = decisions.board(outline.id)
    assert board.asked[2].decision is not None and board.asked[2].decision.in_pre_election
    assert [(f.partner_id, f.go_live_on) for f in board.go_live_flags] == [(east, go_live)]
    assert [p.partner_id for p in board.periods] == [east, east]


def test_only_the_manager_and_the_partners_own_signatory_may_record(
    decisions: Decisions, outline: ProgrammeView, people: dict[str, int]
) -> None:
    north, south = pid_of(outline, "Northbridge"), pid_of(outline, "Southmoor")
    aisha, helen = Actor(people["aisha"], "Aisha Khan"), Actor(people["helen"], "Helen Marsh")
    priya = Actor(people["priya"], "Priya Shah")
    decisions.record(outline.id, cabinet(south), aisha)
    decisions.record(outline.id, cabinet(north), priya)
    with pytest.raises(NotAllowedError):
        decisions.record(outline.id, cabinet(north), aisha)
    with pytest.raises(NotAllowedError):
        decisions.record(outline.id, cabinet(south), helen)
    with pytest.raises(NotAllowedError):
        decisions.set_pre_election(outline.id, north, date(2027, 3, 1), date(2027, 5, 6), aisha)
    assert decisions.board(outline.id, aisha).may_record_for == frozenset({south})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome": "approved", "meeting_on": date(2027, 2, 1)}, "meeting_on"),
        ({"forward_plan_on": date(2027, 1, 5)}, "forward_plan_on"),
        ({"outcome": "maybe"}, "outcome"),
        ({"body": "trust_board"}, "body"),
        ({"minutes": "https://"}, "minutes"),
        ({"minutes": "http://not a host/x"}, "minutes"),
        ({"call_in_days": 61}, "call_in_days"),
        ({"meeting_on": date(1999, 1, 1), "forward_plan_on": None}, "meeting_on"),
    ],
)
def test_bad_input_names_the_field(
    decisions: Decisions, outline: ProgrammeView, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidError) as bad:
        decisions.record(outline.id, cabinet(pid_of(outline, "Northbridge"), **changes))
    assert bad.value.field == field


def test_a_call_in_outside_its_period_is_refused(decisions: Decisions, outline: ProgrammeView, clock: Any) -> None:
    decision = decisions.record(outline.id, cabinet(pid_of(outline, "Northbridge")))
    at(clock, date(2027, 1, 20))
    with pytest.raises(InvalidError) as bad:
        decisions.call_in(outline.id, decision, date(2027, 1, 12))
    assert bad.value.field == "called_in_on"
    with pytest.raises(InvalidError):
        decisions.set_pre_election(outline.id, pid_of(outline, "Northbridge"), date(2027, 5, 6), date(2027, 3, 1))
