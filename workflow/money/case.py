"""The business case's figures: investment by year and category, planned savings by year and service, and
each partner's baseline cost of the services in scope."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ..engine.errors import N_, InvalidError
from .sharing import PENNY

#: Investment categories, in the order reports show them.
CATEGORIES = ("set_up", "it", "redundancy", "pension_strain", "programme_team")
CATEGORY_TITLES = {
    "set_up": "Set-up",
    "it": "IT",
    "redundancy": "Redundancy",
    "pension_strain": "Pension strain",
    "programme_team": "Programme team",
}
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Investment:
    """Money spent to make the change in one financial year; ``recurring`` lines come back every year."""

    year: int
    category: str
    amount: Decimal
    recurring: bool = False
    note: str = ""


@dataclass(frozen=True)
class Saving:
    """Planned savings of one service in one financial year."""

    year: int
    service: str
    amount: Decimal


@dataclass(frozen=True)
class Baseline:
    """What a partner spends on a service in scope before sharing (the base savings are measured from)."""

    partner: str
    service: str
    amount: Decimal


@dataclass(frozen=True)
class BusinessCase:
    """A programme's planned figures. The appraisal period runs from the first to the last year with any
    figure, unless ``first_year`` and ``years`` fix it."""

    investments: tuple[Investment, ...] = ()
    savings: tuple[Saving, ...] = ()
    baselines: tuple[Baseline, ...] = ()
    first_year: int | None = None
    years: int | None = None

    def __post_init__(self) -> None:
        lines: tuple[Investment | Saving | Baseline, ...] = (*self.investments, *self.savings, *self.baselines)
        for line in lines:
            if line.amount != line.amount.quantize(PENNY):
                raise InvalidError(N_("£{amount} is not a whole number of pence"), field="amount", amount=line.amount)
        for inv in self.investments:
            if inv.category not in CATEGORIES:
                raise InvalidError(
                    N_("unknown investment category '{category}'; expected one of: {categories}"),
                    field="category",
                    category=inv.category,
                    categories=tuple(CATEGORIES),
                )

    @property
    def is_empty(self) -> bool:
        return not self.investments and not self.savings

    def period(self) -> list[int]:
        """The financial years of the appraisal, in order (empty when there are no figures)."""
        planned: tuple[Investment | Saving, ...] = (*self.investments, *self.savings)
        years = [x.year for x in planned]
        if self.first_year is not None and self.years:
            return list(range(self.first_year, self.first_year + self.years))
        if not years:
            return []
        first = self.first_year if self.first_year is not None else min(years)
        return list(range(first, max(years) + 1))

    def investment_by_year(self) -> dict[int, Decimal]:
        return _by(self.period(), ((i.year, i.amount) for i in self.investments))

    def savings_by_year(self) -> dict[int, Decimal]:
        return _by(self.period(), ((s.year, s.amount) for s in self.savings))

    def investment_by_category(self) -> dict[str, Decimal]:
        totals = {c: ZERO for c in CATEGORIES}
        for i in self.investments:
            totals[i.category] += i.amount
        return totals

    def one_off_and_recurring(self) -> tuple[Decimal, Decimal]:
        one_off = sum((i.amount for i in self.investments if not i.recurring), ZERO)
        return one_off, sum((i.amount for i in self.investments if i.recurring), ZERO)

    def services(self) -> list[str]:
        return list(dict.fromkeys(s.service for s in self.savings))

    def savings_by_service(self) -> dict[str, dict[int, Decimal]]:
        """Planned savings per service, per year of the period."""
        return {
            svc: _by(self.period(), ((s.year, s.amount) for s in self.savings if s.service == svc))
            for svc in self.services()
        }

    def baseline_by_partner(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for b in self.baselines:
            totals[b.partner] += b.amount
        return dict(totals)

    def total_baseline(self) -> Decimal:
        return sum((b.amount for b in self.baselines), ZERO)


def _by(period: list[int], pairs: Iterable[tuple[int, Decimal]]) -> dict[int, Decimal]:
    totals = dict.fromkeys(period, ZERO)
    for year, amount in pairs:
        if year in totals:
            totals[year] += amount
    return totals
