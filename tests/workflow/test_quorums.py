"""Steering-group quorums say what they mean: a majority is more than half of the current group, two thirds is
at least two thirds, a fraction is "at least that share"; each adapts when a partner withdraws or joins."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.words_support import said
from workflow.engine.definitions import Quorum, SignOffRules, load_definition
from workflow.engine.gates import APPROVE, Capacity, Decision, GateInputs, evaluate

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = load_definition(ROOT / "definitions" / "shared-service.yaml")
#: Seven councils with two steering members each, as Worcestershire's joint committee: 14 members.
PARTNERS = {p: f"Council {p}" for p in range(1, 8)}
MEMBERS = {p: (p * 10 + 1, p * 10 + 2) for p in PARTNERS}
HOLDERS = {Capacity("steering_member", p): frozenset(people) for p, people in MEMBERS.items()}


def judge(quorum: Quorum, approving: list[int], partners: dict[int, str] = PARTNERS):
    decisions = tuple(
        Decision(person, f"Member {person}", Capacity("steering_member", person // 10), APPROVE, "", 1)
        for person in approving
    )
    inputs = GateInputs(partners=partners, holders=HOLDERS, evidenced=frozenset(), decisions=decisions)
    return evaluate(DEFINITION, SignOffRules(quorum=quorum), None, inputs)


def first(n: int, partners: dict[int, str] = PARTNERS) -> list[int]:
    return [person for p in partners for person in MEMBERS[p]][:n]


def test_a_majority_of_fourteen_is_eight_not_seven() -> None:
    majority = Quorum(share="majority")
    assert not judge(majority, first(7)).passed
    report = judge(majority, first(8))
    assert report.passed
    assert "8 of 14 members approved, 8 needed (a majority)" in [said(r.detail) for r in report.requirements]


def test_a_majority_adapts_when_a_partner_withdraws() -> None:
    six = {p: name for p, name in PARTNERS.items() if p != 7}  # twelve members remain
    assert not judge(Quorum(share="majority"), first(6, six), six).passed
    assert judge(Quorum(share="majority"), first(7, six), six).passed


def test_half_as_a_fraction_means_at_least_half_which_is_not_a_majority() -> None:
    assert judge(Quorum(fraction=Decimal("0.5")), first(7)).passed
    assert not judge(Quorum(share="majority"), first(7)).passed


def test_two_thirds_and_all() -> None:
    assert not judge(Quorum(share="two_thirds"), first(9)).passed  # 10 of 14 needed
    assert judge(Quorum(share="two_thirds"), first(10)).passed
    assert not judge(Quorum(share="all"), first(13)).passed
    assert judge(Quorum(share="all"), first(14)).passed


@given(st.integers(min_value=1, max_value=200))
def test_a_majority_is_always_more_than_half_and_never_more_than_needed(members: int) -> None:
    needed = Quorum(share="majority").needed(members)
    assert needed * 2 > members and (needed - 1) * 2 <= members


def test_exactly_one_measure() -> None:
    with pytest.raises(ValidationError, match="exactly one of 'share'"):
        Quorum(share="majority", count=3)
    with pytest.raises(ValidationError):
        Quorum(share="most")  # type: ignore[arg-type]


def test_the_default_lifecycle_asks_for_a_majority() -> None:
    quorums = [g.sign_off.quorum for g in DEFINITION.gates.values() if g.sign_off.quorum]
    assert quorums and all(q.share == "majority" for q in quorums)
