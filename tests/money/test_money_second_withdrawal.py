"""A second leaver is charged its share of the costs the first leaver does not already owe, and the what-if
shown before a withdrawal is the liability the withdrawal logs: over any sequence of withdrawals, what the
leavers owe plus what the remaining partners bear is the costs to date, to the penny."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st
from test_money_withdrawal import AGREEMENT, engine, finances, partner_id, pass_gates, withdrawal_event  # noqa: F401 - fixtures found by name

from workflow.engine.importer import parse_programme
from workflow.engine.programmes import Programmes
from workflow.money.case import BusinessCase, Investment, Saving
from workflow.money.prenup import what_if
from workflow.money.service import Finances
from workflow.money.sharing import Basis, BasisKind, PartnerFacts, allocate, weights

NAMES = ("Hammersmith and Fulham", "Kensington and Chelsea", "Westminster", "Richmond upon Thames")
POPULATIONS = (182000, 158000, 219000, 195000)
SPEC = (
    "name: Four boroughs\ndefinition: shared-service\nstart: 2027-01-04\npartners:\n"
    + "".join(
        f"  - {{name: {n}, kind: london_borough, population: {p}, net_budget: '100000000.00'}}\n"
        for n, p in zip(NAMES, POPULATIONS, strict=True)
    )
    + "people:\n  - {name: Pat Reed, email: pat@boroughs.example, roles: [programme_manager]}\n"
    + "".join(
        f"  - {{name: Officer {i}, email: officer{i}@boroughs.example, roles: "
        f"[{{role: signatory, partner: {n}}}, {{role: steering_member, partner: {n}}}, "
        f"{{role: s151_officer, partner: {n}}}, {{role: monitoring_officer, partner: {n}}}, "
        f"{{role: head_of_paid_service, partner: {n}}}]}}\n"
        for i, n in enumerate(NAMES)
    )
)


def test_the_second_leaver_owes_its_share_of_what_the_first_does_not(
    engine: Programmes,  # noqa: F811
    finances: Finances,  # noqa: F811
    clock,
) -> None:
    pid = engine.start(*parse_programme(SPEC, "four.yaml")).id
    finances.set_basis(pid, Basis(BasisKind.POPULATION))
    finances.set_agreement(pid, AGREEMENT)
    finances.set_case(
        pid,
        BusinessCase(
            investments=(Investment(2027, "it", D("1000000.00")),),
            savings=tuple(Saving(y, "children's services", D("600000.00")) for y in range(2028, 2033)),
        ),
    )
    pass_gates(engine, pid, 4, clock)  # to the full case, where a leaver owes its share of costs
    finances.record_cost(pid, clock().date(), "it", D("1000000.00"), "redesign and IT")
    clock.advance(days=1)

    first, second = partner_id(engine, pid, NAMES[0]), partner_id(engine, pid, NAMES[1])
    engine.withdraw(pid, first, "Cabinet withdrew")
    owed_first = D(withdrawal_event(engine, pid)["liability_breakdown"]["share_of_costs"])
    assert owed_first == D("241379.31")  # 182,000 of 754,000 people

    preview = finances.what_if(pid, second)
    engine.withdraw(pid, second, "Cabinet withdrew too")
    logged = [e.data for e in engine.history(pid) if e.kind == "partner_withdrew"][-1]
    assert logged["liability_breakdown"]["share_of_costs"] == f"{preview.liability.share_of_costs:.2f}"
    # 158,000 of the 572,000 people left, of the £758,620.69 the first leaver does not owe
    assert preview.liability.share_of_costs == D("209549.07")
    assert logged["liability_breakdown"]["owed_by_earlier_leavers"] == "241379.31"

    remaining = finances.what_if(pid, partner_id(engine, pid, NAMES[2])).costs_to_date_split
    assert owed_first + preview.liability.share_of_costs + sum(remaining.values()) == D("1000000.00")


@settings(max_examples=200, deadline=None)
@given(
    populations=st.lists(st.integers(min_value=1000, max_value=2_000_000), min_size=3, max_size=6),
    costs=st.lists(st.decimals(min_value=0, max_value=10_000_000, places=2), min_size=1, max_size=6),
    data=st.data(),
)
def test_no_cost_is_charged_twice_over_any_sequence_of_withdrawals(
    populations: list[int], costs: list[D], data: st.DataObject
) -> None:
    partners = [PartnerFacts(f"Council {i}", p, D("1000000.00")) for i, p in enumerate(populations)]
    basis = Basis(BasisKind.POPULATION)
    spent, owed = D(0), D(0)
    current = list(partners)
    for cost in costs:
        spent += cost
        if len(current) <= 1:
            break
        leaver = data.draw(st.sampled_from(current), label="leaver")
        outcome = what_if(
            AGREEMENT,
            basis,
            ["courtship", "full_case"],
            "full_case",
            leaver.name,
            weights(basis, current),
            current,
            spent,
            date(2028, 1, 1),
            owed,
        )
        assert sum(outcome.costs_to_date_split.values()) == spent - owed
        owed += outcome.liability.share_of_costs
        current = [p for p in current if p.name != leaver.name]
    bearing = allocate(spent - owed, weights(basis, current)) if spent - owed else {}
    assert owed + sum(bearing.values(), D(0)) == spent
