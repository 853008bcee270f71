"""Benefits realisation: actual savings and service measures against plan, delivery confidence, and the
data of a highlight report for the steering group."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from ..engine.errors import N_, InvalidError
from . import years as fy
from .case import ZERO, BusinessCase

#: The five-point Gateway delivery-confidence scale, best first, and the three-point RAG.
SCALES: dict[str, tuple[str, ...]] = {
    "gateway": ("Green", "Amber/Green", "Amber", "Amber/Red", "Red"),
    "rag": ("Green", "Amber", "Red"),
}


def check_rating(scale: str, rating: str) -> str:
    """The rating as the scale spells it.

    Raises:
        InvalidError: unknown scale, or a rating not on it.
    """
    if scale not in SCALES:
        raise InvalidError(
            N_("unknown scale '{scale}'; expected one of: {scales}"), field="scale", scale=scale, scales=tuple(SCALES)
        )
    for option in SCALES[scale]:
        if option.lower() == rating.strip().lower():
            return option
    raise InvalidError(
        N_("'{rating}' is not on the {scale} scale; expected one of: {ratings}"),
        field="rating",
        rating=rating,
        scale=scale,
        ratings=tuple(SCALES[scale]),
    )


@dataclass(frozen=True)
class Variance:
    """Plan against actual for one year (and one service, or ``"all"``); ``actual`` None: not yet recorded."""

    year: int
    label: str
    service: str
    planned: Decimal
    actual: Decimal | None
    variance: Decimal | None
    variance_percent: Decimal | None


@dataclass(frozen=True)
class Measure:
    year: int
    name: str
    unit: str
    planned: Decimal
    actual: Decimal | None


@dataclass(frozen=True)
class Confidence:
    period: str
    scale: str
    rating: str
    commentary: str
    recorded_at: datetime


@dataclass(frozen=True)
class BenefitsReport:
    by_service: tuple[Variance, ...]
    by_year: tuple[Variance, ...]
    measures: tuple[Measure, ...]
    confidence: tuple[Confidence, ...]

    @property
    def latest(self) -> Confidence | None:
        return self.confidence[-1] if self.confidence else None


def variance(year: int, service: str, planned: Decimal, actual: Decimal | None) -> Variance:
    if actual is None:
        return Variance(year, fy.label(year), service, planned, None, None, None)
    diff = actual - planned
    percent = (diff / planned * 100).quantize(Decimal("0.1"), ROUND_HALF_UP) if planned else None
    return Variance(year, fy.label(year), service, planned, actual, diff, percent)


def compare(
    case: BusinessCase, actuals: Mapping[tuple[int, str], Decimal]
) -> tuple[tuple[Variance, ...], tuple[Variance, ...]]:
    """Savings against plan per service and year, and per year for all services together."""
    services = list(dict.fromkeys([*case.services(), *(s for _, s in actuals)]))
    planned = {(s.year, s.service): s.amount for s in case.savings}
    period = sorted(set(case.period()) | {y for y, _ in actuals})
    by_service = tuple(
        variance(y, s, planned.get((y, s), ZERO), actuals.get((y, s)))
        for s in services
        for y in period
        if (y, s) in planned or (y, s) in actuals
    )
    by_year = []
    for y in period:
        got = [a for (yy, _), a in actuals.items() if yy == y]
        by_year.append(
            variance(
                y, "all", sum((p for (yy, _), p in planned.items() if yy == y), ZERO), sum(got, ZERO) if got else None
            )
        )
    return by_service, tuple(by_year)


@dataclass(frozen=True)
class HighlightReport:
    """One period's report to the steering group: overall status, time, cost, benefits, what waits on whom."""

    programme_id: int
    programme: str
    period: str
    as_of: date
    stage: str
    stage_title: str
    stage_planned_end: date | None
    days_late: int
    confidence: Confidence | None
    planned_investment_to_date: Decimal
    costs_incurred_to_date: Decimal
    planned_savings_to_date: Decimal
    actual_savings_to_date: Decimal
    savings: tuple[Variance, ...]
    waiting_on: tuple[str, ...]
