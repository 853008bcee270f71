"""Benefits realisation: money actually spent and saved, service measures, delivery confidence, and the
steering group's highlight report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..engine.errors import N_, InvalidError
from ..engine.models import Programme
from ..engine.permissions import SYSTEM, Actor
from . import benefits as b
from . import periods, store
from . import years as fy
from .case import CATEGORIES, ZERO
from .models import MoneyActualSaving, MoneyCase, MoneyConfidence, MoneyCostIncurred, MoneyMeasure
from .pounds import check_pence
from .unit import MoneyUnit


class BenefitsTracking(MoneyUnit):
    """Use cases on what a programme actually spends and saves."""

    def record_cost(
        self,
        programme_id: int,
        on: date,
        category: str,
        amount: Decimal,
        note: str = "",
        actor: Actor = SYSTEM,
        *,
        expected_version: int | None = None,
    ) -> Decimal:
        """Record money spent; returns the costs incurred to date.

        Raises:
            InvalidError: unknown category, or not whole pence. ConflictError: the programme changed since
            ``expected_version``.
        """
        if category not in CATEGORIES:
            raise InvalidError(
                N_("unknown category '{category}'; expected one of: {categories}"),
                field="category",
                category=category,
                categories=tuple(CATEGORIES),
            )
        _pence(amount)
        data: dict[str, Any] = {"on": on.isoformat(), "category": category, "amount": str(amount)}
        with self._write(programme_id, actor, "cost_recorded", note, expected_version=expected_version, **data) as (
            session,
            prog,
        ):
            session.add(
                MoneyCostIncurred(programme_id=prog.id, incurred_on=on, category=category, amount=amount, note=note)
            )
            session.flush()
            return store.costs_to_date(session, prog.id, self.clock().date())

    def record_actual(
        self,
        programme_id: int,
        year: int,
        service: str,
        amount: Decimal,
        actor: Actor = SYSTEM,
        *,
        expected_version: int | None = None,
    ) -> b.Variance:
        """Record (or correct) the savings a service actually made in a financial year.

        Raises:
            ConflictError: the programme changed since ``expected_version``.
        """
        _pence(amount)
        data: dict[str, Any] = {"year": year, "service": service, "amount": str(amount)}
        with self._write(programme_id, actor, "actual_recorded", expected_version=expected_version, **data) as (
            session,
            prog,
        ):
            row = session.scalar(select(MoneyActualSaving).filter_by(programme_id=prog.id, year=year, service=service))
            session.add(row or MoneyActualSaving(programme_id=prog.id, year=year, service=service, amount=amount))
            if row:
                row.amount = amount
            planned = sum(
                (s.amount for s in store.load_case(session, prog).savings if s.year == year and s.service == service),
                ZERO,
            )
            return b.variance(year, service, planned, amount)

    def record_measure(
        self,
        programme_id: int,
        year: int,
        name: str,
        planned: Decimal,
        actual: Decimal | None = None,
        unit: str = "",
        actor: Actor = SYSTEM,
    ) -> b.Measure:
        data: dict[str, Any] = {"year": year, "name": name, "unit": unit, "planned": str(planned)}
        data["actual"] = None if actual is None else str(actual)
        with self._write(programme_id, actor, "measure_recorded", **data) as (session, prog):
            row = session.scalar(select(MoneyMeasure).filter_by(programme_id=prog.id, year=year, name=name))
            if row is None:
                row = MoneyMeasure(programme_id=prog.id, year=year, name=name)
                session.add(row)
            row.unit, row.planned, row.actual = unit, planned, actual
            return b.Measure(year, name, unit, planned, actual)

    def record_confidence(
        self,
        programme_id: int,
        period: str,
        rating: str,
        commentary: str,
        scale: str | None = None,
        actor: Actor = SYSTEM,
    ) -> b.Confidence:
        """Record delivery confidence for a period on the programme's scale (setting the scale if given).

        Raises:
            InvalidError: the period is not like 2027-28 Q1, the rating is not on the scale, or no commentary.
        """
        period = periods.normal(period)
        if not commentary.strip():
            raise InvalidError(N_("delivery confidence needs commentary: why this rating"), field="commentary")
        data: dict[str, Any] = {"period": period, "rating": rating, "scale": scale}
        with self._write(programme_id, actor, "confidence_recorded", commentary.strip(), **data) as (session, prog):
            head = session.get(MoneyCase, prog.id) or MoneyCase(programme_id=prog.id, confidence_scale="gateway")
            session.add(head)
            head.confidence_scale = scale or head.confidence_scale or "gateway"
            rating = b.check_rating(head.confidence_scale, rating)
            now = self.clock()
            session.add(
                MoneyConfidence(
                    programme_id=prog.id,
                    period=period,
                    scale=head.confidence_scale,
                    rating=rating,
                    commentary=commentary.strip(),
                    recorded_at=now,
                )
            )
            return b.Confidence(period, head.confidence_scale, rating, commentary.strip(), now)

    def benefits(self, programme_id: int, actor: Actor = SYSTEM) -> b.BenefitsReport:
        with self._read(programme_id, actor) as (session, prog):
            return _benefits(session, prog)

    def highlight(
        self, programme_id: int, period: str, gate_unmet: tuple[str, ...] = (), actor: Actor = SYSTEM
    ) -> b.HighlightReport:
        """The steering group's highlight report for ``period``; ``gate_unmet`` (the programme's gate report's
        unmet requirements, in words: the caller renders them in its reader's language) says what waits on whom.

        Raises:
            InvalidError: ``period`` is not a reporting period like 2027-28 Q1.
        """
        period = periods.normal(period)
        today = self.clock().date()
        with self._read(programme_id, actor) as (session, prog):
            definition = self.registry.pinned(session, prog.definition_hash)
            case = store.load_case(session, prog)
            report = _benefits(session, prog)
            plan = next((p for p in prog.plans if p.stage == prog.state), None)
            end = plan.planned_end if plan else None
            done = [y for y in case.period() if y <= fy.year_of(today)]
            latest = [c for c in report.confidence if c.period == period] or list(report.confidence[-1:])
            return b.HighlightReport(
                prog.id,
                prog.name,
                period,
                today,
                prog.state,
                definition.state_title(prog.state),
                end,
                max((today - end).days, 0) if end else 0,
                latest[-1] if latest else None,
                sum((case.investment_by_year()[y] for y in done), ZERO),
                store.costs_to_date(session, prog.id, today),
                sum((case.savings_by_year()[y] for y in done), ZERO),
                sum((v.actual or ZERO for v in report.by_year if v.year in done), ZERO),
                report.by_year,
                gate_unmet,
            )


def _pence(amount: Decimal) -> None:
    check_pence(amount)


def _benefits(session: Session, prog: Programme) -> b.BenefitsReport:
    case = store.load_case(session, prog)
    actuals = {
        (a.year, a.service): a.amount
        for a in session.scalars(select(MoneyActualSaving).filter_by(programme_id=prog.id))
    }
    by_service, by_year = b.compare(case, actuals)
    measures = tuple(
        b.Measure(m.year, m.name, m.unit, m.planned, m.actual)
        for m in session.scalars(
            select(MoneyMeasure).filter_by(programme_id=prog.id).order_by(MoneyMeasure.year, MoneyMeasure.name)
        )
    )
    confidence = tuple(
        b.Confidence(c.period, c.scale, c.rating, c.commentary, c.recorded_at)
        for c in session.scalars(
            select(MoneyConfidence)
            .filter_by(programme_id=prog.id)
            .order_by(MoneyConfidence.recorded_at, MoneyConfidence.id)
        )
    )
    return b.BenefitsReport(by_service, by_year, measures, confidence)
