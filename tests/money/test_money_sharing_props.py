"""Property tests: however many partners and whatever the basis, shares make exactly 100% and amounts are
shared to the penny; a withdrawal never leaves a cost unallocated; a re-true respects its threshold."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.engine.errors import InvalidError
from workflow.money.prenup import Agreement, WithdrawalTerm, remaining_weights, what_if
from workflow.money.sharing import Basis, BasisKind, PartnerFacts, allocate, retrue, shares, weights

STAGES = ["courtship", "honest_conversation", "outline_case", "prenup", "full_case", "transfer", "go_live", "review"]
pence = st.integers(min_value=-(10**12), max_value=10**12).map(lambda p: D(p) / 100)
positive_pence = st.integers(min_value=0, max_value=10**12).map(lambda p: D(p) / 100)


@st.composite
def partners_and_basis(draw: st.DrawFn, minimum: int = 1) -> tuple[list[PartnerFacts], Basis]:
    n = draw(st.integers(min_value=minimum, max_value=12))
    kind = draw(st.sampled_from(list(BasisKind)))
    names = [f"Council {i}" for i in range(n)]
    # at least one partner has something to weigh by: the first value is positive
    values = [draw(st.integers(min_value=1 if i == 0 else 0, max_value=10**9)) for i in range(n)]
    if kind is BasisKind.POPULATION:
        return [PartnerFacts(x, population=v) for x, v in zip(names, values, strict=True)], Basis(kind)
    if kind is BasisKind.NET_BUDGET:
        return [PartnerFacts(x, net_budget=D(v) / 100) for x, v in zip(names, values, strict=True)], Basis(kind)
    facts = [PartnerFacts(x) for x in names]
    if kind is BasisKind.FIXED:
        return facts, Basis(
            kind,
            {
                x: D(v % 10001) / 100 + (D(1) if i == 0 else 0)
                for i, (x, v) in enumerate(zip(names, values, strict=True))
            },
        )
    return facts, Basis(kind, dict(zip(names, map(D, values), strict=True)), driver="posts")


@given(partners_and_basis(), pence)
def test_shares_make_exactly_100_and_amounts_add_to_the_penny(case, amount) -> None:
    partners, basis = case
    w = weights(basis, partners)
    assert sum(shares(w).values()) == 100
    parts = allocate(amount, w)
    assert list(parts) == [p.name for p in partners]
    assert sum(parts.values()) == amount
    total = sum(w.values())
    for name, part in parts.items():
        assert part == part.quantize(D("0.01"))
        exact = amount * D(w[name].numerator) / D(w[name].denominator) / D(total.numerator) * D(total.denominator)
        assert abs(part - exact) < D("0.01")


@given(partners_and_basis(minimum=2), positive_pence, positive_pence, st.data())
def test_a_withdrawal_never_leaves_a_cost_unallocated(case, to_date, future, data) -> None:
    partners, basis = case
    in_force = weights(basis, partners)
    leaver = data.draw(st.sampled_from(list(in_force)))
    agreement = Agreement(
        6,
        36,
        terms=(
            WithdrawalTerm("prenup", fixed_sum=D("25000.00")),
            WithdrawalTerm(
                data.draw(st.sampled_from(["full_case", "transfer"])), share_of_costs=True, exit_costs=("redundancy",)
            ),
        ),
        exit_costs={"redundancy": D("120000.00")},
        recompute=data.draw(st.sampled_from(["basis", "pro_rata", "equal"])),
    )
    stage = data.draw(st.sampled_from(STAGES))
    nobody_weighs = not any(w for n, w in in_force.items() if n != leaver)
    if nobody_weighs and agreement.recompute != "equal":
        with pytest.raises(InvalidError):  # refused, rather than costs landing on nobody
            what_if(agreement, basis, STAGES, stage, leaver, in_force, partners, to_date, date(2027, 1, 4))
        return
    result = what_if(agreement, basis, STAGES, stage, leaver, in_force, partners, to_date, date(2027, 1, 4))
    assert sum(result.costs_to_date_split.values()) == to_date
    assert result.costs_to_date_split[leaver] == result.liability.share_of_costs
    assert leaver not in result.shares_after and sum(result.shares_after.values()) == 100
    after = remaining_weights(agreement, basis, in_force, leaver, partners)
    future_split = allocate(future, after)
    assert leaver not in future_split and sum(future_split.values()) == future


@given(
    st.dictionaries(st.sampled_from("ABCDEFGHIJKL"), st.integers(0, 10**6), min_size=1),
    st.dictionaries(st.sampled_from("ABCDEFGHIJKL"), st.integers(0, 10**6), min_size=1),
    st.integers(0, 500).map(lambda t: D(t) / 100),
)
def test_a_retrue_moves_the_split_only_beyond_its_threshold(old, new, threshold) -> None:
    if not any(old.values()) or not any(new.values()):
        return
    in_force = shares(
        weights(Basis(BasisKind.DRIVER, {k: D(v) for k, v in old.items()}), [PartnerFacts(k) for k in old])
    )
    fresh = shares(weights(Basis(BasisKind.DRIVER, {k: D(v) for k, v in new.items()}), [PartnerFacts(k) for k in new]))
    outcome = retrue(in_force, fresh, threshold)
    if set(old) != set(new) or max(abs(fresh[k] - in_force[k]) for k in fresh) > threshold:
        assert outcome.changed and outcome.shares == fresh
    else:
        assert not outcome.changed and outcome.shares == in_force
    assert sum(outcome.shares.values()) == 100
