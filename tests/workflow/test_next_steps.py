"""What to do next (workflow.engine.next_steps), judged over gate states drawn at random: the step that leads is
the one a person in that place would take, a move is offered as possible exactly when the gate's report says
it would pass, and a refused one carries the unmet requirements that would refuse it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.words_support import said
from workflow.engine import reasons as R
from workflow.engine.definitions import Criterion, load_definition
from workflow.engine.gates import GateReport, Requirement
from workflow.engine.next_steps import (
    ADVANCE,
    APPROVE_WAIVER,
    CHASE,
    CODES,
    COMPLETE_FIGURES,
    DECIDE,
    DECIDE_FOR,
    ENDED,
    RECORD_EVIDENCE,
    REQUEST_SIGN_OFF,
    REQUEST_WAIVER,
    RESUBMIT,
    WAIT,
    WAIVE,
    next_steps,
)
from workflow.engine.reasons import reason
from workflow.engine.views import AskedView, GateView, PartnerView, ProgrammeView, RoleView, SignOffView

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = load_definition(ROOT / "definitions" / "shared-service.yaml")
CRITERIA = DEFINITION.gates["full_case"].criteria  # one optional criterion; an optional stage
FIGURES = [Criterion(id="savings_by_year", title="Savings by year", figures="savings_by_year")]
AT = datetime(2027, 1, 4, 9, tzinfo=UTC)
MANAGER, TOM, AISHA, OBSERVER = 1, 2, 3, 9
PARTNERS = (
    PartnerView(10, "Northbridge", "district_council", "england", 1, Decimal(1), AT, None, None),
    PartnerView(11, "Southmoor", "district_council", "england", 1, Decimal(1), AT, None, None),
)
ROLES = (
    RoleView(MANAGER, "Priya Shah", "priya@x.example", "programme_manager", "Programme manager", None, None),
    RoleView(TOM, "Tom Hardy", "tom@x.example", "signatory", "Signatory", 10, "Northbridge"),
    RoleView(AISHA, "Aisha Khan", "aisha@x.example", "signatory", "Signatory", 11, "Southmoor"),
    RoleView(OBSERVER, "Sam Ellis", "sam@x.example", "observer", "Observer", None, None),
)
ASKED = {
    TOM: AskedView(TOM, "Tom Hardy", "signatory", "Signatory", 10, "Northbridge"),
    AISHA: AskedView(AISHA, "Aisha Khan", "signatory", "Signatory", 11, "Southmoor"),
}


def sign_off(person: int, decision: str, subject: str = "gate", rev: int = 3) -> SignOffView:
    partner = 10 if person == TOM else 11
    return SignOffView(person, "x", "signatory", partner, decision, "why", 1, AT, subject=subject, evidence_rev=rev)


def report(criteria: list[Criterion], met: list[bool], signed: list[bool]) -> GateReport:
    requirements = [
        Requirement("criterion", reason(R.CRITERION, title=c.title), m, None, c.required, criterion=c.id)
        for c, m in zip(criteria, met, strict=True)
    ]
    requirements += [
        Requirement("sign_off", reason(R.PARTNER_SIGN_OFF, role="Signatory", partner=p.name), s)
        for p, s in zip(PARTNERS, signed, strict=True)
    ]
    passed = all(r.met for r in requirements if r.required)
    return GateReport(passed, () if passed else (reason(R.QUORUM),), tuple(requirements))


def programme(gate: GateView | None, ended: bool = False) -> ProgrammeView:
    return ProgrammeView(
        1, "P", "", "shared-service", 1, "h", "full_case", "Full business case", ended, AT, 1, 3, 7, AT, AT,
        PARTNERS, ROLES, (), gate,
    )  # fmt: skip


def gate_view(
    the_report: GateReport,
    *,
    request: str | None = None,
    waiting: tuple[int, ...] = (),
    sign_offs: tuple[SignOffView, ...] = (),
    waiver: GateReport | None = None,
) -> GateView:
    return GateView(
        "full_case", "Gateway 3", request or "gate", 1 if request else 0, request is not None, AT if request else None,
        (), sign_offs, the_report, waiver, tuple(ASKED[p] for p in waiting),
    )  # fmt: skip


def codes(view: ProgrammeView, person: int, manages: bool, criteria: list[Criterion] = CRITERIA) -> list[str]:
    return [s.code for s in next_steps(view, criteria, person, manages=manages)]


WAIVER_NOT_MET = GateReport(False, ("quorum",), (Requirement("sign_off", "Steering group quorum", False, "0 of 4"),))
WAIVER_MET = GateReport(True, (), (Requirement("sign_off", "Steering group quorum", True, "4 of 4"),))


# --- the leading step in each place ----------------------------------------------------------------------


def test_missing_evidence_leads_the_manager_and_names_the_criteria() -> None:
    met = [False, True, True, True, False, False]
    view = programme(gate_view(report(CRITERIA, met, [False, False])))
    steps = next_steps(view, CRITERIA, MANAGER, manages=True)
    assert steps[0].code == RECORD_EVIDENCE
    assert [c.id for c in steps[0].criteria] == ["firm_costs", "benefits_baselined"]  # not the optional one
    advance = next(s for s in steps if s.code == ADVANCE)
    assert not advance.possible
    assert {said(r.label) for r in advance.blockers} == {
        "Firm costs and final savings profile",
        "Benefits baselined",
        "Signatory of Northbridge",
        "Signatory of Southmoor",
    }


def test_unmet_figures_are_their_own_step_with_the_check_that_reads_them() -> None:
    label, why = reason(R.CRITERION, title="Savings by year"), reason(R.FIGURES_DETAIL, text="no savings are planned")
    requirements = (Requirement("criterion", label, False, why, criterion=FIGURES[0].id),)
    view = programme(gate_view(GateReport(False, (reason(R.QUORUM),), requirements)))
    (first, *_) = next_steps(view, FIGURES, MANAGER, manages=True)
    assert first.code == COMPLETE_FIGURES
    assert (first.criteria[0].figures, said(first.criteria[0].detail)) == ("savings_by_year", "no savings are planned")


def test_with_the_evidence_in_the_manager_requests_sign_off() -> None:
    view = programme(gate_view(report(CRITERIA, [True] * 6, [False, False])))
    assert codes(view, MANAGER, True)[:2] == [REQUEST_SIGN_OFF, ADVANCE]


def test_an_open_request_leads_the_manager_to_chase_and_the_signatory_to_decide() -> None:
    view = programme(gate_view(report(CRITERIA, [True] * 6, [True, False]), request="gate", waiting=(AISHA,)))
    steps = next_steps(view, CRITERIA, MANAGER, manages=True)
    assert steps[0].code == CHASE and [p.person_name for p in steps[0].people] == ["Aisha Khan"]
    aisha = next_steps(view, CRITERIA, AISHA, manages=False)
    assert [s.code for s in aisha] == [DECIDE] and aisha[0].capacities == (ASKED[AISHA],)
    tom = next_steps(view, CRITERIA, TOM, manages=False)
    assert [(s.code, s.awaits) for s in tom] == [(WAIT, CHASE)] and tom[0].people == (ASKED[AISHA],)


def test_a_deputy_is_offered_the_signatory_s_decision() -> None:
    view = programme(gate_view(report(CRITERIA, [True] * 6, [False, False]), request="gate", waiting=(TOM, AISHA)))
    steps = next_steps(view, CRITERIA, AISHA, manages=False, deputy_for=[TOM])
    assert [s.code for s in steps] == [DECIDE, DECIDE_FOR]
    assert steps[1].people[0].person_id == TOM


def test_a_standing_rejection_leads_to_a_resubmission_but_one_on_old_evidence_does_not() -> None:
    standing = (sign_off(TOM, "approve"), sign_off(AISHA, "reject"))
    view = programme(gate_view(report(CRITERIA, [True] * 6, [True, False]), request="gate", sign_offs=standing))
    steps = next_steps(view, CRITERIA, MANAGER, manages=True)
    assert steps[0].code == RESUBMIT and [s.person_id for s in steps[0].rejections] == [AISHA]
    older = (sign_off(AISHA, "reject", rev=2),)
    view = programme(gate_view(report(CRITERIA, [True] * 6, [True, False]), request="gate", sign_offs=older))
    assert codes(view, MANAGER, True)[0] != RESUBMIT


def test_a_met_gate_leads_to_advance_and_observers_are_told() -> None:
    view = programme(gate_view(report(CRITERIA, [True] * 6, [True, True]), request="gate"))
    steps = next_steps(view, CRITERIA, MANAGER, manages=True)
    assert steps[0].code == ADVANCE and steps[0].possible
    assert [(s.code, s.awaits) for s in next_steps(view, CRITERIA, OBSERVER, manages=False)] == [(WAIT, ADVANCE)]


def test_a_waiver_asked_for_leads_the_manager_to_chase_the_steering_group_then_to_waive() -> None:
    the_report = report(CRITERIA, [False] * 6, [False, False])
    asked = gate_view(the_report, request="waiver", waiting=(TOM,), waiver=WAIVER_NOT_MET)
    steps = next_steps(programme(asked), CRITERIA, MANAGER, manages=True)
    assert (steps[0].code, steps[0].subject) == (CHASE, "waiver")
    assert [s.code for s in next_steps(programme(asked), CRITERIA, TOM, manages=False)] == [APPROVE_WAIVER]

    approved = replace(asked, waiting_on=(), waiver_report=WAIVER_MET)
    steps = next_steps(programme(approved), CRITERIA, MANAGER, manages=True)
    assert steps[0].code == WAIVE and steps[0].possible
    assert [(s.code, s.awaits) for s in next_steps(programme(approved), CRITERIA, OBSERVER, manages=False)] == [
        (WAIT, WAIVE)
    ]


def test_an_optional_stage_offers_a_waiver_request_after_the_gate_s_own_steps() -> None:
    view = programme(gate_view(report(CRITERIA, [False] * 6, [False, False]), waiver=WAIVER_NOT_MET))
    assert codes(view, MANAGER, True) == [RECORD_EVIDENCE, ADVANCE, REQUEST_WAIVER]


def test_an_ended_programme_has_nothing_to_do() -> None:
    assert next_steps(programme(None, ended=True), [], MANAGER, manages=True)[0].code == ENDED


# --- rules that hold in every state ----------------------------------------------------------------------


@st.composite
def states(draw: st.DrawFn) -> tuple[ProgrammeView, int, bool]:
    met = draw(st.lists(st.booleans(), min_size=6, max_size=6))
    signed = draw(st.lists(st.booleans(), min_size=2, max_size=2))
    request = draw(st.sampled_from([None, "gate", "waiver"]))
    waiver = draw(st.sampled_from([None, WAIVER_NOT_MET, WAIVER_MET])) if request != "waiver" else None
    if request == "waiver":
        waiver = draw(st.sampled_from([WAIVER_NOT_MET, WAIVER_MET]))
    waiting = tuple(draw(st.sets(st.sampled_from([TOM, AISHA])))) if request else ()
    decided = draw(st.lists(st.tuples(st.sampled_from([TOM, AISHA]), st.sampled_from(["approve", "reject"]))))
    sign_offs = tuple(sign_off(p, d, request or "gate") for p, d in decided)
    gate = gate_view(
        report(CRITERIA, met, signed), request=request, waiting=waiting, sign_offs=sign_offs, waiver=waiver
    )
    person = draw(st.sampled_from([MANAGER, TOM, AISHA, OBSERVER]))
    return programme(gate), person, person == MANAGER


# Drawing a state takes microseconds; on a busy machine an odd draw stalls, which says nothing about the rules.
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states())
def test_every_state_has_a_step_and_offers_a_move_only_when_it_would_pass(
    state: tuple[ProgrammeView, int, bool],
) -> None:
    view, person, manages = state
    assert view.gate is not None
    steps = next_steps(view, CRITERIA, person, manages=manages)
    assert steps and all(s.code in CODES for s in steps)
    possible = {s.code for s in steps if s.possible}
    if manages:
        assert (ADVANCE in possible) == view.gate.report.passed
        assert [s.code for s in steps].count(ADVANCE) == 1
        waiver = view.gate.waiver_report
        assert (WAIVE in possible) == (waiver is not None and waiver.passed)
        for step in steps:
            if step.code == ADVANCE and not step.possible:
                assert step.blockers and all(r.required and not r.met for r in step.blockers)
    else:
        assert not possible & {ADVANCE, WAIVE, RECORD_EVIDENCE, REQUEST_SIGN_OFF, CHASE}
    asked = view.gate.asked_of(person) if view.gate.request_open else ()
    if asked:
        assert steps[0].code == (APPROVE_WAIVER if view.gate.subject == "waiver" else DECIDE)
        assert steps[0].capacities == asked
    elif not manages:
        assert [s.code for s in steps] == [WAIT] and not steps[0].possible
