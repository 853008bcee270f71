"""The public face of money in banns: one method per use case, one transaction each, frozen data out.

The web UI and the ``banns money`` commands call these. Changing figures needs the ``edit`` permission on the
programme (its programme manager, or an admin); reading needs ``view``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..engine.db import Database
from ..engine.errors import InvalidError, NotAllowedError
from ..engine.models import Programme
from ..engine.permissions import SYSTEM, Actor, may
from ..engine.registry import Registry
from ..engine.unit_of_work import Listener, ProgrammeChanges
from . import benefits as b
from . import importer as money_importer
from . import store
from . import years as fy
from .case import CATEGORIES, ZERO, BusinessCase
from .figures import figures_status
from .models import MoneyActualSaving, MoneyCase, MoneyConfidence, MoneyCostIncurred, MoneyMeasure
from .pounds import check_pence
from .prenup import Agreement, WhatIf
from .results import Results, compute
from .sharing import Basis, Retrue, basis_problems, retrue, shares
from .withdrawal import withdrawal

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Split:
    """The shares in force for the programme's costs (``service`` empty) or one service's savings."""

    service: str
    basis: str
    threshold: Decimal
    shares: dict[str, Decimal]


class Finances:
    """Use cases on a programme's money."""

    def __init__(
        self,
        db: Database,
        registry: Registry,
        clock: Clock = lambda: datetime.now(UTC),
        listeners: Sequence[Listener] | None = None,
    ) -> None:
        self.db = db
        self.registry = registry
        self.clock = clock
        #: Every change to the money goes through the engine's unit of work: one transaction, one event.
        self.changes = ProgrammeChanges(db, registry, clock, listeners)

    # --- the business case and bases ---------------------------------------------------------------------

    def case(self, programme_id: int, actor: Actor = SYSTEM) -> BusinessCase:
        with self._read(programme_id, actor) as (session, prog):
            return store.load_case(session, prog)

    def set_case(self, programme_id: int, case: BusinessCase, actor: Actor = SYSTEM) -> BusinessCase:
        """Replace the business case's figures.

        Raises:
            InvalidError: a baseline names a body that is not a partner.
        """
        with self._write(programme_id, actor, "figures_changed", "business case figures replaced", figures=True) as (
            session,
            prog,
        ):
            store.save_case(session, prog, case)
            session.flush()
            return store.load_case(session, prog)

    def set_basis(self, programme_id: int, basis: Basis, service: str = "", actor: Actor = SYSTEM) -> Split:
        """Agree how costs (or one service's savings) are shared; the split among current partners is fixed
        now and stays in force until a re-true moves it or partners change.

        Raises:
            InvalidError: a value is missing, or fixed percentages do not make 100%.
        """
        what = f"sharing basis set: {basis.describe()}"
        with self._write(programme_id, actor, "figures_changed", what, figures=True, service=service) as (
            session,
            prog,
        ):
            partners = store.facts(store.current_partners(prog))
            problems = basis_problems(basis, partners)
            if problems:
                raise InvalidError("; ".join(problems), field="basis")
            store.save_basis(session, prog, service, basis, store.fresh_weights(prog, basis), self.clock().date())
            session.flush()
            kept = store.load_bases(session, prog)[service][1]
            return _split(service, basis, shares({n: Fraction(w) for n, w in kept.items()}))

    def splits(self, programme_id: int, actor: Actor = SYSTEM) -> list[Split]:
        """Every split in force, the programme's costs first."""
        with self._read(programme_id, actor) as (session, prog):
            return [
                _split(s, basis, self._in_force(session, prog, basis, kept))
                for s, (basis, kept) in store.load_bases(session, prog).items()
            ]

    def retrue(
        self, programme_id: int, service: str = "", values: Mapping[str, Decimal] | None = None, actor: Actor = SYSTEM
    ) -> Retrue:
        """Recalculate the split from today's facts (and new driver values or percentages, if given); it
        changes only if a share moves by more than the basis's threshold.

        Raises:
            InvalidError: no basis for ``service``.
        """
        what = f"shares re-trued for {service or 'the programme costs'}"
        with self._write(programme_id, actor, "figures_changed", what, figures=True, service=service) as (
            session,
            prog,
        ):
            basis, kept = self._basis(session, prog, service)
            if values is not None:
                basis = replace(basis, values={**basis.values, **values})
            in_force = self._in_force(session, prog, basis, kept)
            fresh = store.fresh_weights(prog, basis)
            outcome = retrue(in_force, shares({n: Fraction(w) for n, w in fresh.items()}), basis.retrue_threshold)
            store.save_basis(session, prog, service, basis, fresh if outcome.changed else kept, self.clock().date())
            return outcome

    # --- results -----------------------------------------------------------------------------------------

    def results(self, programme_id: int, actor: Actor = SYSTEM) -> Results:
        """Every partner's share of costs and savings by year, net, cumulative, payback, NPV, sensitivity.

        Raises:
            InvalidError: no cost-sharing basis yet.
        """
        with self._read(programme_id, actor) as (session, prog):
            case = store.load_case(session, prog)
            agreement = store.load_agreement(session, prog)
            recompute = agreement.recompute if agreement else "basis"
            bases = store.load_bases(session, prog)
            if "" not in bases:
                raise InvalidError("no cost-sharing basis yet: agree one first (banns money basis)", field="basis")
            plans = {s: store.share_plan(prog, basis, kept, recompute) for s, (basis, kept) in bases.items()}
            return compute(case, plans.pop(""), plans)

    # --- the pre-nuptial agreement -----------------------------------------------------------------------

    def agreement(self, programme_id: int, actor: Actor = SYSTEM) -> Agreement | None:
        with self._read(programme_id, actor) as (session, prog):
            return store.load_agreement(session, prog)

    def set_agreement(self, programme_id: int, agreement: Agreement, actor: Actor = SYSTEM) -> Agreement:
        """Record the pre-nup (replacing any earlier one).

        Raises:
            InvalidError: a term names a stage the programme's lifecycle does not have.
        """
        with self._write(programme_id, actor, "figures_changed", "pre-nuptial agreement recorded", figures=True) as (
            session,
            prog,
        ):
            stages = self.registry.pinned(session, prog.definition_hash).stage_ids
            wrong = [p for p in agreement.problems(stages) if "unknown stage" in p or "two withdrawal" in p]
            if wrong:
                raise InvalidError("; ".join(wrong), field="terms")
            store.save_agreement(session, prog, agreement)
            session.flush()
            return store.load_agreement(session, prog) or agreement

    def what_if(self, programme_id: int, partner_id: int, on: date | None = None, actor: Actor = SYSTEM) -> WhatIf:
        """What the partner would owe if it withdrew today, and how everyone's shares would change.

        Raises:
            InvalidError: no agreement or basis, or the partner is not a current partner.
        """
        with self._read(programme_id, actor) as (session, prog):
            if partner_id not in {p.id for p in store.current_partners(prog)}:
                raise InvalidError(f"partner {partner_id} is not a current partner of {prog.name}", field="partner")
            definition = self.registry.pinned(session, prog.definition_hash)
            return withdrawal(session, prog, definition, partner_id, on or self.clock().date())

    # --- import and export -------------------------------------------------------------------------------

    def import_figures(self, programme_id: int, text: str, file: str, actor: Actor = SYSTEM) -> BusinessCase:
        """Replace the programme's money with a YAML file's, in one transaction.

        Raises:
            ProgrammeFileError: every problem in the file, with its line.
        """
        spec, located = money_importer.parse_money(text, file)
        what = f"money figures imported from {file}"
        with self._write(programme_id, actor, "figures_changed", what, figures=True) as (session, prog):
            stages = self.registry.pinned(session, prog.definition_hash).stage_ids
            money_importer.apply(session, prog, spec, located, stages, self.clock().date())
            session.flush()
            return store.load_case(session, prog)

    def export_figures(self, programme_id: int, actor: Actor = SYSTEM) -> str:
        with self._read(programme_id, actor) as (session, prog):
            return money_importer.export(session, prog)

    # --- benefits realisation ----------------------------------------------------------------------------

    def record_cost(
        self, programme_id: int, on: date, category: str, amount: Decimal, note: str = "", actor: Actor = SYSTEM
    ) -> Decimal:
        """Record money spent; returns the costs incurred to date.

        Raises:
            InvalidError: unknown category, or not whole pence.
        """
        if category not in CATEGORIES:
            raise InvalidError(
                f"unknown category '{category}'; expected one of: {', '.join(CATEGORIES)}", field="category"
            )
        _pence(amount)
        data: dict[str, Any] = {"on": on.isoformat(), "category": category, "amount": str(amount)}
        with self._write(programme_id, actor, "cost_recorded", note, **data) as (session, prog):
            session.add(
                MoneyCostIncurred(programme_id=prog.id, incurred_on=on, category=category, amount=amount, note=note)
            )
            session.flush()
            return store.costs_to_date(session, prog.id, self.clock().date())

    def record_actual(
        self, programme_id: int, year: int, service: str, amount: Decimal, actor: Actor = SYSTEM
    ) -> b.Variance:
        """Record (or correct) the savings a service actually made in a financial year."""
        _pence(amount)
        data: dict[str, Any] = {"year": year, "service": service, "amount": str(amount)}
        with self._write(programme_id, actor, "actual_recorded", **data) as (session, prog):
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
            InvalidError: the rating is not on the scale, or no commentary.
        """
        if not commentary.strip():
            raise InvalidError("delivery confidence needs commentary: why this rating", field="commentary")
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
        """The steering group's highlight report for ``period``; ``gate_unmet`` (from the programme's gate
        report) says what waits on whom."""
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

    def status(self, programme_id: int, requirement: str) -> tuple[bool, str]:
        with self.db.read() as session:
            return figures_status(session, programme_id, requirement)

    # --- internals ---------------------------------------------------------------------------------------

    @contextmanager
    def _read(self, programme_id: int, actor: Actor) -> Iterator[tuple[Session, Programme]]:
        with self.db.read() as session:
            yield session, self._programme(session, programme_id, actor, "view")

    @contextmanager
    def _write(
        self,
        programme_id: int,
        actor: Actor,
        kind: str,
        reason: str = "",
        *,
        figures: bool = False,
        **data: Any,
    ) -> Iterator[tuple[Session, Programme]]:
        """A change to the money through the engine's unit of work, logged as one ``kind`` event with its
        actor; ``figures``: it changes what gates check, so their signatories are asked again."""
        with self.changes.change(programme_id, actor, "edit", kind, reason, figures=figures, **data) as change:
            yield change.session, change.programme

    def _programme(
        self, session: Session, programme_id: int, actor: Actor, action: str, lock: bool = False
    ) -> Programme:
        prog = store.programme(session, programme_id, lock=lock)
        held = [r.role for r in prog.roles if r.person_id == actor.person_id]
        if not may(actor, action, held):
            raise NotAllowedError(f"{actor.name} may not {action} the figures of programme {programme_id}")
        return prog

    def _basis(self, session: Session, prog: Programme, service: str) -> tuple[Basis, dict[str, Decimal]]:
        bases = store.load_bases(session, prog)
        if service not in bases:
            raise InvalidError(f"no basis for {service or 'the programme'}s costs yet", field="service")
        return bases[service]

    def _in_force(
        self, session: Session, prog: Programme, basis: Basis, kept: dict[str, Decimal]
    ) -> dict[str, Decimal]:
        agreement = store.load_agreement(session, prog)
        current = store.current_partners(prog)
        return shares(store.weights_for(current, basis, kept, agreement.recompute if agreement else "basis"))


def _split(service: str, basis: Basis, in_force: dict[str, Decimal]) -> Split:
    return Split(service, basis.describe(), basis.retrue_threshold, dict(in_force))


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
