"""Reading and writing money figures inside a session the caller owns (the service's transaction, or the
engine's when the listener runs). Partners are named, as in the pure calculations; names are unique within a
programme."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..engine.errors import N_, InvalidError, NotFoundError
from ..engine.models import Partner, Programme
from .case import ZERO, Baseline, BusinessCase, Investment, Saving
from .models import (
    MoneyAgreement,
    MoneyBaseline,
    MoneyBasis,
    MoneyBasisValue,
    MoneyCase,
    MoneyCostIncurred,
    MoneyExitCost,
    MoneyInvestment,
    MoneySaving,
    MoneyWithdrawalTerm,
)
from .prenup import Agreement, Recompute, WithdrawalTerm
from .results import SharePeriod, SharePlan
from .sharing import Basis, BasisKind, PartnerFacts, Weights, weights


def programme(session: Session, programme_id: int, *, lock: bool = False) -> Programme:
    """The programme; ``lock`` holds its row for a change, as the engine's own use cases do.

    Raises:
        NotFoundError: no such programme.
    """
    found = session.get(Programme, programme_id, with_for_update=lock or None)
    if found is None:
        raise NotFoundError(N_("no programme with id {programme_id}"), programme_id=programme_id)
    return found


def facts(partners: Sequence[Partner]) -> list[PartnerFacts]:
    return [PartnerFacts(p.name, p.population, p.net_budget) for p in partners]


def partner_by_name(prog: Programme, name: str) -> Partner:
    """Raises: InvalidError: no partner of that name."""
    for p in prog.partners:
        if p.name == name:
            return p
    raise InvalidError(
        N_("'{name}' is not a partner of {programme}; its partners: {partners}"),
        field="partner",
        name=name,
        programme=prog.name,
        partners=tuple(p.name for p in prog.partners),
    )


# --- the business case -------------------------------------------------------------------------------------


def load_case(session: Session, prog: Programme) -> BusinessCase:
    head = session.get(MoneyCase, prog.id)
    names = {p.id: p.name for p in prog.partners}
    where = {"programme_id": prog.id}
    return BusinessCase(
        investments=tuple(
            Investment(i.year, i.category, i.amount, i.recurring, i.note)
            for i in session.scalars(
                select(MoneyInvestment).filter_by(**where).order_by(MoneyInvestment.year, MoneyInvestment.id)
            )
        ),
        savings=tuple(
            Saving(s.year, s.service, s.amount)
            for s in session.scalars(select(MoneySaving).filter_by(**where).order_by(MoneySaving.year, MoneySaving.id))
        ),
        baselines=tuple(
            Baseline(names[b.partner_id], b.service, b.amount)
            for b in session.scalars(select(MoneyBaseline).filter_by(**where).order_by(MoneyBaseline.id))
        ),
        first_year=head.first_year if head else None,
        years=head.years if head else None,
    )


def save_case(session: Session, prog: Programme, case: BusinessCase) -> None:
    for table in (MoneyInvestment, MoneySaving, MoneyBaseline):
        session.execute(delete(table).where(table.programme_id == prog.id))
    head = session.get(MoneyCase, prog.id) or MoneyCase(programme_id=prog.id, confidence_scale="gateway")
    head.first_year, head.years = case.first_year, case.years
    session.add(head)
    session.add_all(
        MoneyInvestment(
            programme_id=prog.id, year=i.year, category=i.category, amount=i.amount, recurring=i.recurring, note=i.note
        )
        for i in case.investments
    )
    session.add_all(
        MoneySaving(programme_id=prog.id, year=s.year, service=s.service, amount=s.amount) for s in case.savings
    )
    session.add_all(
        MoneyBaseline(
            programme_id=prog.id, partner_id=partner_by_name(prog, b.partner).id, service=b.service, amount=b.amount
        )
        for b in case.baselines
    )


# --- bases and the split in force --------------------------------------------------------------------------


def load_bases(session: Session, prog: Programme) -> dict[str, tuple[Basis, dict[str, Decimal]]]:
    """Every basis by service ('' = the programme), each with the weights its split in force was fixed on
    (the populations, budgets or values on the day it was agreed or last re-trued)."""
    names = {p.id: p.name for p in prog.partners}
    result = {}
    for row in session.scalars(select(MoneyBasis).filter_by(programme_id=prog.id).order_by(MoneyBasis.service)):
        values = session.scalars(select(MoneyBasisValue).filter_by(basis_id=row.id)).all()
        basis = Basis(
            BasisKind(row.kind),
            {names[v.partner_id]: v.value for v in values if v.value is not None},
            row.driver,
            row.retrue_threshold,
        )
        result[row.service] = (
            basis,
            {names[v.partner_id]: v.weight_in_force for v in values if v.weight_in_force is not None},
        )
    return result


def save_basis(
    session: Session, prog: Programme, service: str, basis: Basis, in_force: dict[str, Decimal], on: date
) -> None:
    row = session.scalar(select(MoneyBasis).filter_by(programme_id=prog.id, service=service))
    if row is None:
        row = MoneyBasis(programme_id=prog.id, service=service)
        session.add(row)
    row.kind, row.driver, row.retrue_threshold, row.split_fixed_on = (
        basis.kind.value,
        basis.driver,
        basis.retrue_threshold,
        on,
    )
    session.flush()
    session.execute(delete(MoneyBasisValue).where(MoneyBasisValue.basis_id == row.id))
    for name in dict.fromkeys([*basis.values, *in_force]):
        session.add(
            MoneyBasisValue(
                basis_id=row.id,
                partner_id=partner_by_name(prog, name).id,
                value=basis.values.get(name),
                weight_in_force=in_force.get(name),
            )
        )


def current_partners(prog: Programme, also: int | None = None) -> list[Partner]:
    return [p for p in prog.partners if p.withdrawn_at is None or p.id == also]


def weights_for(partners: Sequence[Partner], basis: Basis, in_force: dict[str, Decimal], recompute: str) -> Weights:
    """The weights among ``partners``: the split in force when it covers exactly them, else recomputed as the
    agreement says (a leaver gone: pro rata or equally; anything else: the basis)."""
    names = [p.name for p in partners]
    if in_force and set(names) == set(in_force):
        return {n: Fraction(in_force[n]) for n in names}
    if in_force and set(names) < set(in_force):  # partners left since the split was fixed
        if recompute == "equal":
            return {n: Fraction(1) for n in names}
        if recompute == "pro_rata" and any(in_force[n] for n in names):
            return {n: Fraction(in_force[n]) for n in names}
    return weights(basis, facts(partners))


def share_plan(prog: Programme, basis: Basis, in_force: dict[str, Decimal], recompute: str) -> SharePlan:
    """The weights in force over time, changing on each day a partner joined or withdrew."""
    days = sorted(
        {d for p in prog.partners for d in (p.joined_at.date(), p.withdrawn_at.date() if p.withdrawn_at else None) if d}
    )
    plan: list[SharePeriod] = []
    for day in days:
        active = [
            p
            for p in prog.partners
            if p.joined_at.date() <= day and (p.withdrawn_at is None or p.withdrawn_at.date() > day)
        ]
        if active:
            plan.append(SharePeriod(date.min if not plan else day, weights_for(active, basis, in_force, recompute)))
    if not plan:
        raise InvalidError(N_("{programme} has no partners to share between"), field="partners", programme=prog.name)
    return tuple(plan)


def fresh_weights(prog: Programme, basis: Basis) -> dict[str, Decimal]:
    """The basis's weights among the current partners, as exact decimals (what a split is fixed on)."""
    return {
        n: Decimal(w.numerator) / Decimal(w.denominator)
        for n, w in weights(basis, facts(current_partners(prog))).items()
    }


# --- the agreement and costs to date -----------------------------------------------------------------------


def load_agreement(session: Session, prog: Programme) -> Agreement | None:
    row = session.get(MoneyAgreement, prog.id)
    if row is None:
        return None
    terms = session.scalars(
        select(MoneyWithdrawalTerm).filter_by(programme_id=prog.id).order_by(MoneyWithdrawalTerm.id)
    )
    exits = session.scalars(select(MoneyExitCost).filter_by(programme_id=prog.id).order_by(MoneyExitCost.id))
    return Agreement(
        row.notice_months,
        row.minimum_term_months,
        row.starts_on,
        tuple(WithdrawalTerm(t.from_stage, t.fixed_sum, t.share_of_costs, tuple(t.exit_costs)) for t in terms),
        {e.name: e.amount for e in exits},
        cast(Recompute, row.recompute),
    )


def save_agreement(session: Session, prog: Programme, agreement: Agreement) -> None:
    for table in (MoneyWithdrawalTerm, MoneyExitCost):
        session.execute(delete(table).where(table.programme_id == prog.id))
    row = session.get(MoneyAgreement, prog.id) or MoneyAgreement(programme_id=prog.id)
    row.notice_months, row.minimum_term_months = agreement.notice_months, agreement.minimum_term_months
    row.starts_on, row.recompute = agreement.starts_on, agreement.recompute
    session.add(row)
    session.add_all(
        MoneyWithdrawalTerm(
            programme_id=prog.id,
            from_stage=t.from_stage,
            fixed_sum=t.fixed_sum,
            share_of_costs=t.share_of_costs,
            exit_costs=list(t.exit_costs),
        )
        for t in agreement.terms
    )
    session.add_all(MoneyExitCost(programme_id=prog.id, name=n, amount=a) for n, a in agreement.exit_costs.items())


def remove_bases(session: Session, prog: Programme, services: set[str]) -> None:
    ids = select(MoneyBasis.id).where(MoneyBasis.programme_id == prog.id, MoneyBasis.service.in_(sorted(services)))
    session.execute(delete(MoneyBasisValue).where(MoneyBasisValue.basis_id.in_(ids)))
    session.execute(
        delete(MoneyBasis).where(MoneyBasis.programme_id == prog.id, MoneyBasis.service.in_(sorted(services)))
    )


def remove_agreement(session: Session, prog: Programme) -> None:
    for table in (MoneyWithdrawalTerm, MoneyExitCost, MoneyAgreement):
        session.execute(delete(table).where(table.programme_id == prog.id))


def costs_to_date(session: Session, programme_id: int, on: date) -> Decimal:
    """Everything recorded as spent on the programme up to and including ``on``."""
    rows = session.scalars(
        select(MoneyCostIncurred.amount).where(
            MoneyCostIncurred.programme_id == programme_id, MoneyCostIncurred.incurred_on <= on
        )
    )
    return sum(rows, ZERO)


def count(session: Session, table: Any, programme_id: int) -> int:
    return session.scalar(select(func.count()).select_from(table).where(table.programme_id == programme_id)) or 0
