"""The pre-nuptial agreement as data, and what a partner owes if it walks away.

Terms are banded by stage: the term in force is the last one whose ``from_stage`` the programme has reached.
Before the first band the leaver owes nothing ("nothing before full case"). A term may ask for a fixed sum,
the leaver's share of the costs incurred to date, and named exit costs (redundancy, pension strain) in full.
The remaining partners then share on, recomputed as the agreement says: on the agreed basis among themselves,
pro rata to the shares they had, or equally.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from ..engine.errors import N_, BannsError, InvalidError
from .case import ZERO
from .said import Said
from .sharing import Basis, PartnerFacts, Weights, allocate, basis_problems, shares, weights

Recompute = Literal["basis", "pro_rata", "equal"]
RECOMPUTE_TITLES = {
    "basis": "on the agreed basis among the partners who remain",
    "pro_rata": "pro rata to the shares the remaining partners had",
    "equal": "equally between the partners who remain",
}
#: A term's problems that make the agreement wrong rather than incomplete (refused when it is recorded).
UNKNOWN_STAGE = N_("withdrawal term from unknown stage '{stage}'")
TWO_TERMS = N_("two withdrawal terms from stage '{stage}'")


@dataclass(frozen=True)
class WithdrawalTerm:
    """What a leaver pays once the programme has reached ``from_stage``."""

    from_stage: str
    fixed_sum: Decimal = ZERO
    share_of_costs: bool = False
    exit_costs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Agreement:
    """The pre-nup: notice period, minimum term, withdrawal terms by stage, named exit costs, recompute rule."""

    notice_months: int | None = None
    minimum_term_months: int | None = None
    starts_on: date | None = None
    terms: tuple[WithdrawalTerm, ...] = ()
    exit_costs: Mapping[str, Decimal] = field(default_factory=dict)
    recompute: Recompute = "basis"

    def term_for(self, stage_ids: Sequence[str], state: str) -> WithdrawalTerm | None:
        """The term in force at ``state`` (None: before the first band, so nothing is owed)."""
        if state not in stage_ids:
            return self.terms[-1] if self.terms else None  # ended: the last term stands
        here = stage_ids.index(state)
        reached = [t for t in self.terms if t.from_stage in stage_ids and stage_ids.index(t.from_stage) <= here]
        return max(reached, key=lambda t: stage_ids.index(t.from_stage)) if reached else None

    def problems(self, stage_ids: Sequence[str]) -> list[BannsError]:
        """What is missing or wrong for this to be a complete agreement (empty: complete), each a msgid and its
        values (:data:`UNKNOWN_STAGE` and :data:`TWO_TERMS` make it wrong, the rest incomplete)."""
        found: list[BannsError] = []
        if self.notice_months is None:
            found.append(Said(N_("no notice period")))
        if self.minimum_term_months is None:
            found.append(Said(N_("no minimum term")))
        if not self.terms:
            found.append(Said(N_("no withdrawal terms: say what a leaver pays, at which stage")))
        seen = set()
        for t in self.terms:
            if t.from_stage not in stage_ids:
                found.append(Said(N_("withdrawal term from unknown stage '{stage}'"), stage=t.from_stage))
            if t.from_stage in seen:
                found.append(Said(N_("two withdrawal terms from stage '{stage}'"), stage=t.from_stage))
            seen.add(t.from_stage)
            found += [
                Said(N_("exit cost '{name}' is named in a term but not priced"), name=n)
                for n in t.exit_costs
                if n not in self.exit_costs
            ]
        return found


@dataclass(frozen=True)
class Liability:
    """What a leaver owes, with every part shown."""

    partner: str
    stage: str
    term_from: str | None
    share_percent: Decimal
    costs_to_date: Decimal
    share_of_costs: Decimal
    fixed_sum: Decimal
    exit_costs: tuple[tuple[str, Decimal], ...]
    total: Decimal
    notice_ends: date | None
    within_minimum_term: bool
    explanation: tuple[Said, ...]
    #: Costs to date that partners who left earlier already owe: never charged again.
    owed_by_earlier_leavers: Decimal = ZERO

    def to_data(self) -> dict[str, Any]:
        """For the event log: money as text pounds and pence."""
        return {
            "liability": f"{self.total:.2f}",
            "liability_breakdown": {
                "term_from_stage": self.term_from,
                "share_percent": str(self.share_percent),
                "costs_to_date": f"{self.costs_to_date:.2f}",
                "owed_by_earlier_leavers": f"{self.owed_by_earlier_leavers:.2f}",
                "share_of_costs": f"{self.share_of_costs:.2f}",
                "fixed_sum": f"{self.fixed_sum:.2f}",
                "exit_costs": {n: f"{a:.2f}" for n, a in self.exit_costs},
                "notice_ends": self.notice_ends.isoformat() if self.notice_ends else None,
                "within_minimum_term": self.within_minimum_term,
            },
        }


@dataclass(frozen=True)
class WhatIf:
    """If ``liability.partner`` withdrew today: what it owes, and how everyone's shares change. The costs
    incurred to date are split between the leaver (its liability's share of costs) and the others, exactly."""

    liability: Liability
    shares_before: dict[str, Decimal]
    shares_after: dict[str, Decimal]
    costs_to_date_split: dict[str, Decimal]


def remaining_weights(
    agreement: Agreement, basis: Basis, in_force: Weights, leaver: str, partners: Sequence[PartnerFacts]
) -> Weights:
    """The weights of the partners who remain after ``leaver`` goes.

    Raises:
        InvalidError: nobody would remain.
    """
    left = [p for p in partners if p.name != leaver]
    if not left:
        raise InvalidError(
            N_("{partner} is the only partner; nobody would remain to share"), field="partner", partner=leaver
        )
    if agreement.recompute == "equal":
        return {p.name: Fraction(1) for p in left}
    if (
        agreement.recompute == "pro_rata"
        and all(p.name in in_force for p in left)
        and any(in_force[p.name] for p in left)
    ):
        return {p.name: in_force[p.name] for p in left}
    return weights(basis, left)


def liability(
    agreement: Agreement,
    stage_ids: Sequence[str],
    state: str,
    leaver: str,
    in_force: Weights,
    costs_to_date: Decimal,
    on: date,
    owed_earlier: Decimal = ZERO,
) -> Liability:
    """What ``leaver`` owes under ``agreement`` if it withdraws on ``on`` at stage ``state``. Its share of
    costs is of the costs to date less what earlier leavers already owe (``owed_earlier``): the current
    partners bear the rest between them, so no cost is charged twice."""
    term = agreement.term_for(stage_ids, state)
    percent = shares(in_force).get(leaver, ZERO) if leaver in in_force else ZERO
    why: list[Said] = []
    share_of_costs, fixed = ZERO, ZERO
    exits: tuple[tuple[str, Decimal], ...] = ()
    if term is None:
        first = min((stage_ids.index(t.from_stage) for t in agreement.terms if t.from_stage in stage_ids), default=None)
        if first is None:
            why.append(Said(N_("nothing is owed before any term")))
        else:
            why.append(Said(N_("nothing is owed before '{stage}'"), stage=stage_ids[first]))
    else:
        why.append(Said(N_("the term from '{stage}' applies"), stage=term.from_stage))
        if term.share_of_costs:
            share_of_costs = _share_of_costs(leaver, in_force, percent, costs_to_date, owed_earlier, why)
        if term.fixed_sum:
            fixed = term.fixed_sum
            why.append(Said(N_("fixed sum: £{amount}"), amount=_pounds(fixed)))
        exits = tuple((name, agreement.exit_costs.get(name, ZERO)) for name in term.exit_costs)
        why += [Said(N_("exit cost {name}: £{amount}"), name=n, amount=_pounds(a)) for n, a in exits]
    notice_ends = _add_months(on, agreement.notice_months) if agreement.notice_months is not None else None
    within = bool(
        agreement.starts_on
        and agreement.minimum_term_months is not None
        and on < _add_months(agreement.starts_on, agreement.minimum_term_months)
    )
    if within:
        why.append(Said(N_("the minimum term has not ended")))
    total = share_of_costs + fixed + sum((a for _, a in exits), ZERO)
    return Liability(
        leaver,
        state,
        term.from_stage if term else None,
        percent,
        costs_to_date,
        share_of_costs,
        fixed,
        exits,
        total,
        notice_ends,
        within,
        tuple(why),
        owed_earlier,
    )


def _share_of_costs(
    leaver: str, in_force: Weights, percent: Decimal, costs_to_date: Decimal, owed_earlier: Decimal, why: list[Said]
) -> Decimal:
    """The leaver's share of the costs to date that earlier leavers do not already owe (explained in ``why``)."""
    shared = costs_to_date - owed_earlier
    share = allocate(shared, in_force)[leaver] if shared else ZERO
    if owed_earlier:
        why.append(
            Said(
                N_(
                    "{percent}% of £{shared} (£{costs} incurred to date, less £{owed} owed by partners who left "
                    "earlier): £{share}"
                ),
                percent=percent,
                shared=_pounds(shared),
                costs=_pounds(costs_to_date),
                owed=_pounds(owed_earlier),
                share=_pounds(share),
            )
        )
    else:
        why.append(
            Said(
                N_("{percent}% of £{costs} incurred to date: £{share}"),
                percent=percent,
                costs=_pounds(costs_to_date),
                share=_pounds(share),
            )
        )
    return share


def what_if(
    agreement: Agreement,
    basis: Basis,
    stage_ids: Sequence[str],
    state: str,
    leaver: str,
    in_force: Weights,
    partners: Sequence[PartnerFacts],
    costs_to_date: Decimal,
    on: date,
    owed_earlier: Decimal = ZERO,
) -> WhatIf:
    """Liability plus the shares before and after, and who bears the costs incurred to date (less what
    earlier leavers owe, ``owed_earlier``: the split covers exactly the rest).

    Raises:
        InvalidError: ``leaver`` is not a current partner, or nobody would remain.
    """
    if leaver not in in_force:
        raise InvalidError(N_("{partner} is not a current partner"), field="partner", partner=leaver)
    owed = liability(agreement, stage_ids, state, leaver, in_force, costs_to_date, on, owed_earlier)
    after = remaining_weights(agreement, basis, in_force, leaver, partners)
    split = dict.fromkeys(in_force, ZERO)
    split[leaver] = owed.share_of_costs
    split.update(allocate(costs_to_date - owed_earlier - owed.share_of_costs, after))
    return WhatIf(owed, shares(in_force), shares(after), split)


def agreement_problems(
    agreement: Agreement | None, basis: Basis | None, stage_ids: Sequence[str], partners: Sequence[PartnerFacts]
) -> list[BannsError]:
    """Everything that stops the agreement being complete for these partners, each a msgid and its values."""
    if agreement is None:
        return [Said(N_("no pre-nuptial agreement recorded"))]
    found = agreement.problems(stage_ids)
    found += [Said(N_("no cost-sharing basis"))] if basis is None else basis_problems(basis, partners)
    return found


def _pounds(amount: Decimal) -> str:
    """``1234.5`` -> ``"1,234.50"``: an amount as the explanation shows it, after a pound sign."""
    return f"{amount:,.2f}"


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
