"""The three-way East Lindsey, South Holland and Boston share, on the real engine: Boston walks away before
the investment and, in a second run, after it. The pre-nup decides what it owes; the log records it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from records_support import agree_register

from tests.decisions_support import decide_all
from workflow.engine.db import Database
from workflow.engine.errors import InvalidError
from workflow.engine.importer import parse_programme
from workflow.engine.programmes import Programmes
from workflow.engine.registry import Registry
from workflow.money.case import BusinessCase, Investment, Saving
from workflow.money.figures import figures_status
from workflow.money.listener import on_event
from workflow.money.prenup import Agreement, WithdrawalTerm
from workflow.money.service import Finances
from workflow.money.sharing import Basis, BasisKind

DEFINITIONS = Path(__file__).resolve().parents[2] / "definitions"
EL, SH, BOSTON = "East Lindsey District Council", "South Holland District Council", "Boston Borough Council"
# Approximate populations: East Lindsey ~140,000, South Holland ~95,000, Boston ~66,000 (2011 census: 136,401,
# 88,270 and 64,637).
SPEC = f"""
name: East Lindsey, South Holland and Boston shared services
definition: shared-service
start: 2027-01-04
partners:
  - {{name: {EL}, kind: district_council, population: 140000, net_budget: "15000000.00"}}
  - {{name: {SH}, kind: district_council, population: 95000, net_budget: "11000000.00"}}
  - {{name: {BOSTON}, kind: district_council, population: 66000, net_budget: "9000000.00"}}
people:
  - {{name: Pat Reed, email: pat@shared.example, roles: [programme_manager]}}
""" + "".join(
    f"""  - name: Officer {i}
    email: officer{i}@council.example
    roles: [{
        ", ".join(
            f"{{role: {r}, partner: {n}}}"
            for r in ("signatory", "steering_member", "s151_officer", "monitoring_officer", "head_of_paid_service")
        )
    }]
"""
    for i, n in enumerate((EL, SH, BOSTON))
)

AGREEMENT = Agreement(
    notice_months=12,
    minimum_term_months=60,
    starts_on=date(2027, 1, 4),
    terms=(
        WithdrawalTerm("outline_case", fixed_sum=D("25000.00")),
        WithdrawalTerm("full_case", share_of_costs=True, exit_costs=("redundancy", "pension_strain")),
    ),
    exit_costs={"redundancy": D("150000.00"), "pension_strain": D("80000.00")},
)


@pytest.fixture
def engine(db: Database, clock) -> Programmes:
    return Programmes(db, Registry(DEFINITIONS), clock=clock, listeners=[on_event])


@pytest.fixture
def finances(db: Database, clock) -> Finances:
    return Finances(db, Registry(DEFINITIONS), clock=clock)


@pytest.fixture
def three_way(engine: Programmes, finances: Finances, clock) -> int:
    view = engine.start(*parse_programme(SPEC, "three-way.yaml"))
    finances.set_basis(view.id, Basis(BasisKind.POPULATION))
    finances.set_agreement(view.id, AGREEMENT)
    finances.set_case(
        view.id,
        BusinessCase(
            investments=(Investment(2027, "it", D("2500000.00")), Investment(2027, "set_up", D("1500000.00"))),
            savings=tuple(Saving(y, "revenues and benefits", D("2000000.00")) for y in range(2028, 2033)),
        ),
    )
    finances.record_cost(view.id, date(2027, 1, 20), "programme_team", D("60000.00"), "outline case work")
    return view.id


def pass_gates(engine: Programmes, programme_id: int, count: int, clock) -> None:
    """Pass the current gate ``count`` times: evidence for every criterion, everyone signs, advance."""
    for _ in range(count):
        view = engine.get(programme_id)
        for criterion in engine.registry.latest("shared-service").gates[view.state].criteria:
            engine.record_evidence(programme_id, criterion.id, f"{criterion.title}: done")
        agree_register(engine.db, engine.registry, engine.clock, programme_id)  # the register: "none" each
        engine.request_sign_off(programme_id)
        for person in {r.person_id for r in view.roles if r.partner_id is not None}:
            engine.sign(programme_id, person, "approve")
        decide_all(engine, programme_id)  # each partner's cabinet, where the gate asks for it
        engine.advance(programme_id)
        clock.advance(days=30)


def partner_id(engine: Programmes, programme_id: int, name: str) -> int:
    return next(p.id for p in engine.get(programme_id).partners if p.name == name)


def withdrawal_event(engine: Programmes, programme_id: int) -> dict:
    return next(e.data for e in engine.history(programme_id) if e.kind == "partner_withdrew")


def test_boston_leaving_before_the_investment_owes_the_fixed_sum(engine, finances, three_way, clock) -> None:
    pass_gates(engine, three_way, 2, clock)
    assert engine.get(three_way).state == "outline_case"
    boston = partner_id(engine, three_way, BOSTON)
    preview = finances.what_if(three_way, boston)
    assert preview.liability.total == D("25000.00") and preview.liability.share_of_costs == 0
    assert preview.shares_before == {EL: D("46.5116"), SH: D("31.5615"), BOSTON: D("21.9269")}
    assert preview.shares_after == {EL: D("59.5745"), SH: D("40.4255")}
    # the £60,000 spent so far falls on the two who stay
    assert preview.costs_to_date_split == {EL: D("35744.68"), SH: D("24255.32"), BOSTON: D("0.00")}

    engine.withdraw(three_way, boston, "Cabinet decided to stay independent")
    logged = withdrawal_event(engine, three_way)
    assert logged["liability"] == "25000.00"
    assert logged["liability_breakdown"]["term_from_stage"] == "outline_case"
    assert logged["shares_after"] == {EL: "59.5745", SH: "40.4255"}
    [split] = finances.splits(three_way)
    assert split.shares == {EL: D("59.5745"), SH: D("40.4255")}
    later = [row for row in finances.results(three_way).partners if row.year == 2029]
    assert {r.partner: r.savings for r in later} == {EL: D("1191489.36"), SH: D("808510.64"), BOSTON: D("0.00")}


@pytest.mark.slow
def test_boston_leaving_after_the_investment_owes_its_share_and_exit_costs(engine, finances, three_way, clock) -> None:
    pass_gates(engine, three_way, 4, clock)
    assert engine.get(three_way).state == "full_case"
    finances.record_cost(three_way, clock().date(), "it", D("2500000.00"), "redesign and IT")
    finances.record_cost(three_way, clock().date(), "set_up", D("1500000.00"))
    boston = partner_id(engine, three_way, BOSTON)
    clock.advance(days=1)

    engine.withdraw(three_way, boston, "Boston withdraws from the shared service")
    logged = withdrawal_event(engine, three_way)
    # 21.9269% of the £4,060,000 incurred to date, plus the named exit costs
    assert logged["liability_breakdown"]["share_of_costs"] == "890232.56"
    assert logged["liability_breakdown"]["exit_costs"] == {"redundancy": "150000.00", "pension_strain": "80000.00"}
    assert logged["liability"] == "1120232.56"
    assert logged["shares_after"] == {EL: "59.5745", SH: "40.4255"}
    with pytest.raises(InvalidError, match="not a current partner"):
        finances.what_if(three_way, boston)


def test_a_withdrawal_without_an_agreement_says_nothing_was_computed(engine) -> None:
    view = engine.start(*parse_programme(SPEC, "three-way.yaml"))
    engine.withdraw(view.id, partner_id(engine, view.id, BOSTON), "changed its mind")
    logged = withdrawal_event(engine, view.id)
    assert "liability" not in logged and "no pre-nuptial agreement" in logged["liability_note"]["message"]


def test_gates_can_ask_whether_the_figures_are_there(db, engine, finances) -> None:
    pid = engine.start(*parse_programme(SPEC, "three-way.yaml")).id

    def status(requirement: str) -> tuple[bool, str]:
        with db.read() as session:
            met, why = figures_status(session, pid, requirement)
            return met, str(why)

    assert status("savings_by_year") == (False, "no planned savings by year recorded")
    assert status("payback_year") == (False, "no business case figures recorded")
    assert status("complete_agreement") == (False, "the agreement is incomplete: no pre-nuptial agreement recorded")
    finances.set_case(
        pid,
        BusinessCase(
            investments=(Investment(2027, "it", D("3000000.00")),), savings=(Saving(2028, "hr", D("1000000.00")),)
        ),
    )
    assert status("savings_by_year")[0] and not status("payback_year")[0]
    finances.set_case(
        pid,
        BusinessCase(
            investments=(Investment(2027, "it", D("3000000.00")),),
            savings=tuple(Saving(y, "hr", D("1000000.00")) for y in range(2028, 2032)),
        ),
    )
    assert status("payback_year") == (True, "pays back in 2030-31 (year 4)")
    finances.set_agreement(pid, Agreement(notice_months=12, terms=AGREEMENT.terms, exit_costs=AGREEMENT.exit_costs))
    met, detail = status("complete_agreement")
    assert not met and "no minimum term" in detail and "no cost-sharing basis" in detail
    finances.set_agreement(pid, AGREEMENT)
    finances.set_basis(pid, Basis(BasisKind.FIXED, {EL: D(50), SH: D(30), BOSTON: D(20)}))
    assert status("complete_agreement")[0]
    with pytest.raises(InvalidError, match="unknown figures requirement"):
        status("npv")
