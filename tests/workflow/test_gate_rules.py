"""Gate evaluation on hand-built inputs: each sign-off rule alone, rejections, who counts, and two properties
(approve everything asked and the gate passes; any standing rejection and it fails)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.words_support import english, said
from workflow.engine.definitions import Quorum, SignOffRules, load_definition
from workflow.engine.gates import APPROVE, REJECT, Capacity, Decision, GateInputs, evaluate, required_capacities

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = load_definition(ROOT / "definitions" / "shared-service.yaml")
CRITERIA = DEFINITION.gates["courtship"].criteria

NORTH, SOUTH, EAST = 1, 2, 3
PARTNERS = {NORTH: "Northbridge", SOUTH: "Southmoor", EAST: "Eastvale"}
NAMES = {11: "Tom", 12: "Aisha", 13: "Gareth", 14: "Helen", 21: "Oliver", 22: "Fiona", 23: "Dev", 99: "Sam"}
HOLDERS = {
    Capacity("signatory", NORTH): frozenset({11}),
    Capacity("signatory", SOUTH): frozenset({12}),
    Capacity("signatory", EAST): frozenset({13}),
    Capacity("steering_member", NORTH): frozenset({11, 14}),
    Capacity("steering_member", SOUTH): frozenset({12}),
    Capacity("steering_member", EAST): frozenset({13}),
    Capacity("s151_officer", NORTH): frozenset({21}),
    Capacity("s151_officer", SOUTH): frozenset({22}),
    Capacity("s151_officer", EAST): frozenset({23}),
    Capacity("chair"): frozenset({14}),
}
EACH_PARTNER = SignOffRules(each_partner=True)


def decide(
    person: int, role: str, partner: int | None = None, decision: str = APPROVE, comment: str = "", round: int = 1
) -> Decision:
    return Decision(person, NAMES[person], Capacity(role, partner), decision, comment, round)


def judge(
    rules: SignOffRules,
    *decisions: Decision,
    partners: dict[int, str] | None = None,
    holders: dict[Capacity, frozenset[int]] | None = None,
    evidenced: frozenset[str] | None = None,
):
    inputs = GateInputs(
        partners=PARTNERS if partners is None else partners,
        holders=HOLDERS if holders is None else holders,
        evidenced=frozenset(c.id for c in CRITERIA) if evidenced is None else evidenced,
        decisions=tuple(decisions),
    )
    return evaluate(DEFINITION, rules, CRITERIA, inputs)


def signatories(*people: int) -> list[Decision]:
    partner_of = {11: NORTH, 12: SOUTH, 13: EAST}
    return [decide(p, "signatory", partner_of[p]) for p in people]


def steering(*people: int) -> list[Decision]:
    partner_of = {11: NORTH, 14: NORTH, 12: SOUTH, 13: EAST}
    return [decide(p, "steering_member", partner_of[p]) for p in people]


# --- each rule alone -------------------------------------------------------------------------------------


def test_each_partner_needs_the_signatory_of_every_partner() -> None:
    assert judge(EACH_PARTNER, *signatories(11, 12, 13)).passed
    report = judge(EACH_PARTNER, *signatories(11, 12))
    assert not report.passed
    assert english(report.unmet) == ("awaiting sign-off from the signatory of Eastvale",)
    assert [(said(r.label), r.met) for r in report.requirements if r.kind == "sign_off"] == [
        ("signatory of Northbridge", True),
        ("signatory of Southmoor", True),
        ("signatory of Eastvale", False),
    ]


def test_missing_required_evidence_fails_even_with_every_approval() -> None:
    report = judge(EACH_PARTNER, *signatories(11, 12, 13), evidenced=frozenset({"partners_named"}))
    assert not report.passed
    assert len(english(report.unmet)) == 1 and english(report.unmet)[0].startswith("evidence is missing for 4 criteria")
    assert "'Shared vision drafted'" in english(report.unmet)[0]


def test_quorum_count_needs_that_many_steering_approvals() -> None:
    rules = SignOffRules(quorum=Quorum(count=2))
    report = judge(rules, *steering(14))
    assert not report.passed
    assert english(report.unmet) == ("steering group quorum not met: 1 of 4 members approved, 2 needed",)
    assert judge(rules, *steering(14, 13)).passed


def test_quorum_fraction_rounds_up() -> None:
    rules = SignOffRules(quorum=Quorum(fraction=Decimal("0.5")))
    five = {**HOLDERS, Capacity("steering_member", EAST): frozenset({13, 23})}  # five members: half is 2.5
    report = judge(rules, *steering(11, 14), holders=five)
    assert not report.passed
    assert "2 of 5 members approved, 3 needed" in english(report.unmet)[0]
    assert judge(rules, *steering(11, 14, 12), holders=five).passed


def test_each_partner_present_needs_a_steering_member_of_every_partner() -> None:
    rules = SignOffRules(quorum=Quorum(count=2, each_partner_present=True))
    report = judge(rules, *steering(11, 14))
    assert not report.passed
    assert english(report.unmet) == ("no steering member has taken part for Southmoor, Eastvale",)
    assert judge(rules, *steering(11, 12, 13)).passed


def test_per_partner_named_role_needs_its_holder_at_every_partner() -> None:
    rules = SignOffRules(roles=["s151_officer"])
    report = judge(rules, decide(21, "s151_officer", NORTH), decide(22, "s151_officer", SOUTH))
    assert english(report.unmet) == (
        "awaiting sign-off from the Section 151 officer (chief finance officer) of Eastvale",
    )
    assert judge(
        rules, decide(21, "s151_officer", NORTH), decide(22, "s151_officer", SOUTH), decide(23, "s151_officer", EAST)
    ).passed


def test_programme_role_needs_its_holder_once() -> None:
    rules = SignOffRules(roles=["chair"])
    assert english(judge(rules).unmet) == ("awaiting sign-off from the chair",)
    assert judge(rules, decide(14, "chair")).passed
    nobody = {c: h for c, h in HOLDERS.items() if c.role != "chair"}
    assert english(judge(rules, holders=nobody).unmet) == ("nobody is named as the chair",)


def test_every_rule_given_must_hold() -> None:
    rules = SignOffRules(each_partner=True, quorum=Quorum(count=1), roles=["chair"])
    assert not judge(rules, *signatories(11, 12, 13)).passed  # no steering approval, no chair
    assert judge(rules, *signatories(11, 12, 13), *steering(14), decide(14, "chair")).passed


# --- rejections and who counts ---------------------------------------------------------------------------


def test_a_rejection_blocks_and_names_the_rejecter_and_the_reason() -> None:
    report = judge(
        EACH_PARTNER, *signatories(11, 13), decide(12, "signatory", SOUTH, REJECT, "the cost split ignores pensions")
    )
    assert not report.passed
    assert english(report.unmet) == (
        "rejected by Aisha as signatory of Southmoor: 'the cost split ignores pensions'; "
        "Aisha must approve a resubmission",
    )
    south = next(r for r in report.requirements if said(r.label) == "signatory of Southmoor")
    assert (south.met, said(south.detail)) == (False, "rejected")


def test_a_rejected_capacity_is_not_listed_as_awaiting() -> None:
    report = judge(EACH_PARTNER, decide(12, "signatory", SOUTH, REJECT, "no"))
    awaiting = [u for u in english(report.unmet) if u.startswith("awaiting")]
    assert awaiting == ["awaiting sign-off from the signatory of Northbridge, Eastvale"]


def test_approving_a_resubmission_lifts_the_rejection() -> None:
    rejected = decide(12, "signatory", SOUTH, REJECT, "no", round=1)
    assert not judge(EACH_PARTNER, *signatories(11, 13), rejected).passed
    assert judge(EACH_PARTNER, *signatories(11, 13), rejected, decide(12, "signatory", SOUTH, round=2)).passed


def test_a_rejection_by_any_holder_of_a_capacity_blocks_it() -> None:
    rules = SignOffRules(quorum=Quorum(count=2))
    report = judge(rules, *steering(11, 12, 13), decide(14, "steering_member", NORTH, REJECT, "too fast"))
    assert not report.passed
    assert english(report.unmet)[0].startswith("rejected by Helen as steering member of Northbridge")


def test_decisions_by_people_without_the_capacity_do_not_count() -> None:
    # Sam signs as East's signatory and Tom as South's: neither holds that capacity (or no longer does).
    report = judge(EACH_PARTNER, *signatories(11, 12), decide(99, "signatory", EAST), decide(11, "signatory", EAST))
    assert english(report.unmet) == ("awaiting sign-off from the signatory of Eastvale",)
    no_longer = {**HOLDERS, Capacity("signatory", EAST): frozenset({23})}
    assert not judge(EACH_PARTNER, *signatories(11, 12, 13), holders=no_longer).passed
    # A rejection by someone who no longer holds the capacity does not block.
    stale = decide(13, "signatory", EAST, REJECT, "no")
    assert judge(EACH_PARTNER, *signatories(11, 12), decide(23, "signatory", EAST), stale, holders=no_longer).passed


def test_a_withdrawn_partner_is_not_required() -> None:
    two = {NORTH: "Northbridge", SOUTH: "Southmoor"}
    holders = {c: h for c, h in HOLDERS.items() if c.partner_id != EAST}
    assert judge(EACH_PARTNER, *signatories(11, 12), partners=two, holders=holders).passed
    # ... and a leftover rejection from the leaver's signatory does not block either.
    leaver = decide(13, "signatory", EAST, REJECT, "we are leaving")
    assert judge(EACH_PARTNER, *signatories(11, 12), leaver, partners=two, holders=holders).passed


def test_required_capacities_lists_each_once() -> None:
    rules = SignOffRules(each_partner=True, roles=["signatory", "chair"])
    assert required_capacities(DEFINITION, rules, PARTNERS) == [
        Capacity("signatory", NORTH),
        Capacity("signatory", SOUTH),
        Capacity("signatory", EAST),
        Capacity("chair"),
    ]


# --- properties ------------------------------------------------------------------------------------------

PARTNER_ROLES = ["s151_officer", "monitoring_officer", "head_of_paid_service"]


@st.composite
def gates(draw: st.DrawFn) -> tuple[SignOffRules, GateInputs]:
    """Random rules and a random programme in which every asked capacity has at least one holder."""
    n_partners = draw(st.integers(2, 5))
    partners = {p: f"Partner {p}" for p in range(1, n_partners + 1)}
    roles = draw(st.lists(st.sampled_from([*PARTNER_ROLES, "chair"]), unique=True, max_size=3))
    holders: dict[Capacity, frozenset[int]] = {}
    person = iter(range(100, 10_000))
    for p in partners:
        for role in ["signatory", "steering_member", *PARTNER_ROLES]:
            holders[Capacity(role, p)] = frozenset(next(person) for _ in range(draw(st.integers(1, 3))))
    holders[Capacity("chair")] = frozenset({next(person)})
    members = sum(len(h) for c, h in holders.items() if c.role == "steering_member")
    quorum = draw(
        st.none()
        | st.builds(Quorum, count=st.integers(1, members), each_partner_present=st.booleans())
        | st.builds(Quorum, fraction=st.decimals("0.01", "1", places=2), each_partner_present=st.booleans())
    )
    each = draw(st.booleans()) if quorum or roles else True
    rules = SignOffRules(each_partner=each, quorum=quorum, roles=roles)
    return rules, GateInputs(partners, holders, frozenset(c.id for c in CRITERIA), ())


def approve_all(rules: SignOffRules, inputs: GateInputs) -> list[Decision]:
    return [
        Decision(person, f"P{person}", cap, APPROVE, "", 1)
        for cap in required_capacities(DEFINITION, rules, inputs.partners)
        for person in sorted(inputs.holders[cap])
    ]


@settings(max_examples=150, deadline=None)
@given(gates())
def test_approving_every_asked_capacity_passes(gate: tuple[SignOffRules, GateInputs]) -> None:
    rules, inputs = gate
    decisions = approve_all(rules, inputs)
    report = evaluate(
        DEFINITION, rules, CRITERIA, GateInputs(inputs.partners, inputs.holders, inputs.evidenced, tuple(decisions))
    )
    assert report.passed, english(report.unmet)
    assert all(r.met for r in report.requirements if r.required)


@settings(max_examples=150, deadline=None)
@given(gates(), st.data())
def test_any_standing_rejection_fails(gate: tuple[SignOffRules, GateInputs], data: st.DataObject) -> None:
    rules, inputs = gate
    decisions = approve_all(rules, inputs)
    i = data.draw(st.integers(0, len(decisions) - 1))
    rejecter = decisions[i]
    decisions[i] = Decision(rejecter.person_id, rejecter.person_name, rejecter.capacity, REJECT, "not yet", 1)
    report = evaluate(
        DEFINITION, rules, CRITERIA, GateInputs(inputs.partners, inputs.holders, inputs.evidenced, tuple(decisions))
    )
    assert not report.passed
    assert any(u.startswith(f"rejected by {rejecter.person_name} ") and "'not yet'" in u for u in english(report.unmet))
