"""Results of a business case: each partner's share of costs and savings by year, net and cumulative
position, payback year, net present value at the Green Book rate, and sensitivity to savings that fall short
or arrive late.

Shares may change during the appraisal (a partner joins or leaves): a :data:`SharePlan` lists the weights in
force from each date, and a year's amount is first divided between the periods by days, then each part by
that period's weights, always to the penny.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any, cast

from . import years as fy
from .case import ZERO, BusinessCase
from .sharing import PENNY, Weights, allocate

#: HM Treasury Green Book discount rate: 3.5% a year.
GREEN_BOOK_RATE = Decimal("0.035")
#: The sensitivity tests the issue asks for: savings 10% lower; savings a year late.
LOWER_BY = Decimal("0.10")


@dataclass(frozen=True)
class SharePeriod:
    """Weights in force from ``start`` (inclusive) until the next period's start."""

    start: date
    weights: Weights


SharePlan = tuple[SharePeriod, ...]


def constant(weights: Weights) -> SharePlan:
    """A plan whose weights never change."""
    return (SharePeriod(date.min, weights),)


def allocate_in_year(amount: Decimal, year: int, plan: SharePlan) -> dict[str, Decimal]:
    """Share one financial year's ``amount`` between partners by the weights in force on each day of it."""
    days: dict[int, Fraction] = {}
    for i, period in enumerate(plan):
        end = plan[i + 1].start if i + 1 < len(plan) else None
        n = fy.overlap_days(year, period.start, end)
        if n:
            days[i] = Fraction(n)
    if not days:  # no period covers the year (before anyone joined): the first period bears it
        days = {0: Fraction(1)}
    result: dict[str, Decimal] = {}
    for key, part in allocate(amount, {str(i): d for i, d in days.items()}).items():
        for partner, share in allocate(part, plan[int(key)].weights).items():
            result[partner] = result.get(partner, ZERO) + share
    return result


@dataclass(frozen=True)
class YearFigures:
    year: int
    label: str
    investment: Decimal
    savings: Decimal
    net: Decimal
    cumulative: Decimal
    discount_factor: Decimal
    present_value: Decimal


@dataclass(frozen=True)
class PartnerYear:
    partner: str
    year: int
    costs: Decimal
    savings: Decimal
    net: Decimal
    cumulative: Decimal


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    total_savings: Decimal
    total_net: Decimal
    payback_year: int | None
    npv: Decimal


@dataclass(frozen=True)
class Results:
    years: tuple[YearFigures, ...]
    partners: tuple[PartnerYear, ...]
    total_investment: Decimal
    total_savings: Decimal
    total_net: Decimal
    payback_year: int | None
    npv: Decimal
    discount_rate: Decimal
    sensitivity: tuple[Scenario, ...]

    @property
    def payback_years(self) -> int | None:
        """Years from the start of the appraisal to payback, counting both ends (None: no payback)."""
        if self.payback_year is None or not self.years:
            return None
        return self.payback_year - self.years[0].year + 1

    def partner_totals(self) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
        """Per partner over the whole period: (costs, savings, net)."""
        totals: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
        for row in self.partners:
            c, s, n = totals.get(row.partner, (ZERO, ZERO, ZERO))
            totals[row.partner] = (c + row.costs, s + row.savings, n + row.net)
        return totals

    def to_json(self) -> dict[str, Any]:
        from dataclasses import asdict

        from ..engine.views import _jsonable

        data = _jsonable(asdict(self))
        data["payback_year_label"] = fy.label(self.payback_year) if self.payback_year is not None else None
        data["payback_years"] = self.payback_years
        data["discount_rate"] = str(self.discount_rate)
        for row in data["years"]:
            row["discount_factor"] = str(next(y.discount_factor for y in self.years if y.year == row["year"]))
        return cast(dict[str, Any], data)


def compute(
    case: BusinessCase,
    costs: SharePlan,
    savings: Mapping[str, SharePlan] | None = None,
    rate: Decimal = GREEN_BOOK_RATE,
) -> Results:
    """Every figure for ``case``: costs shared by ``costs``, each service's savings by its own plan in
    ``savings`` (else by ``costs``)."""
    rows, payback, npv = _appraise(case, rate)
    partners = _partner_rows(case, costs, savings or {})
    return Results(
        years=rows,
        partners=partners,
        total_investment=sum((r.investment for r in rows), ZERO),
        total_savings=sum((r.savings for r in rows), ZERO),
        total_net=sum((r.net for r in rows), ZERO),
        payback_year=payback,
        npv=npv,
        discount_rate=rate,
        sensitivity=sensitivity(case, rate),
    )


def sensitivity(case: BusinessCase, rate: Decimal = GREEN_BOOK_RATE) -> tuple[Scenario, ...]:
    """The case with savings 10% lower, and with every saving a year late (within the same period)."""
    scenarios = []
    for name, title, changed in (
        ("savings_lower", "Savings 10% lower", savings_lower(case, LOWER_BY)),
        ("savings_late", "Savings a year late", savings_late(case, 1)),
    ):
        rows, payback, npv = _appraise(changed, rate)
        scenarios.append(
            Scenario(name, title, sum((r.savings for r in rows), ZERO), sum((r.net for r in rows), ZERO), payback, npv)
        )
    return tuple(scenarios)


def savings_lower(case: BusinessCase, fraction: Decimal) -> BusinessCase:
    """``case`` with every saving reduced by ``fraction`` (0.10 = 10%), to the nearest penny."""
    return replace(
        case,
        savings=tuple(
            replace(s, amount=(s.amount * (1 - fraction)).quantize(PENNY, ROUND_HALF_UP)) for s in case.savings
        ),
    )


def savings_late(case: BusinessCase, years: int) -> BusinessCase:
    """``case`` with savings ``years`` later; the appraisal period stays the same, so savings pushed past its
    end are lost to it."""
    period = case.period()
    if not period:
        return case
    return replace(
        case,
        savings=tuple(replace(s, year=s.year + years) for s in case.savings),
        first_year=period[0],
        years=len(period),
    )


def discount_factor(t: int, rate: Decimal = GREEN_BOOK_RATE) -> Decimal:
    """``1 / (1 + rate) ** t`` to six places (the Green Book's tables show four)."""
    with localcontext() as ctx:
        ctx.prec = 40
        return (1 / (1 + rate) ** t).quantize(Decimal("0.000001"), ROUND_HALF_UP)


def present_value(amount: Decimal, t: int, rate: Decimal = GREEN_BOOK_RATE) -> Decimal:
    """``amount`` in year ``t`` (0 = the first year, undiscounted) in today's money, to the penny."""
    with localcontext() as ctx:
        ctx.prec = 40
        return (amount / (1 + rate) ** t).quantize(PENNY, ROUND_HALF_UP)


def payback_year(period: list[int], net: list[Decimal]) -> int | None:
    """The first year from which the cumulative net position stays at or above zero (None: never)."""
    cumulative, last_negative = ZERO, None
    for i, amount in enumerate(net):
        cumulative += amount
        if cumulative < 0:
            last_negative = i
    if not period or cumulative < 0:
        return None
    return period[0] if last_negative is None else period[last_negative + 1]


def _appraise(case: BusinessCase, rate: Decimal) -> tuple[tuple[YearFigures, ...], int | None, Decimal]:
    period = case.period()
    invest, save = case.investment_by_year(), case.savings_by_year()
    rows, cumulative = [], ZERO
    for t, year in enumerate(period):
        net = save[year] - invest[year]
        cumulative += net
        rows.append(
            YearFigures(
                year,
                fy.label(year),
                invest[year],
                save[year],
                net,
                cumulative,
                discount_factor(t, rate),
                present_value(net, t, rate),
            )
        )
    npv = sum((r.present_value for r in rows), ZERO)
    return tuple(rows), payback_year(period, [r.net for r in rows]), npv


def _partner_rows(case: BusinessCase, costs: SharePlan, savings: Mapping[str, SharePlan]) -> tuple[PartnerYear, ...]:
    invest = case.investment_by_year()
    by_service = case.savings_by_service()
    names = list(dict.fromkeys(n for plan in (costs, *savings.values()) for p in plan for n in p.weights))
    cumulative = dict.fromkeys(names, ZERO)
    rows = []
    for year in case.period():
        paid = allocate_in_year(invest[year], year, costs)
        saved: dict[str, Decimal] = {}
        for service, amounts in by_service.items():
            for n, v in allocate_in_year(amounts[year], year, savings.get(service, costs)).items():
                saved[n] = saved.get(n, ZERO) + v
        for n in names:
            c, s = paid.get(n, ZERO), saved.get(n, ZERO)
            cumulative[n] += s - c
            rows.append(PartnerYear(n, year, c, s, s - c, cumulative[n]))
    return tuple(rows)
