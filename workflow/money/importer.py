"""A programme's money in YAML (``banns money import/export``): the business case, sharing bases, the pre-nup,
costs incurred and actual savings. A wrong file is refused whole, every problem with its file, line and field.

Amounts are written in quotes (``"1250000.00"``) or as whole numbers: YAML would read ``1250000.10`` as a
binary fraction, and pence must never be approximate.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..engine.errors import N_, BannsError
from ..engine.importer import ProgrammeFileError
from ..engine.models import Programme
from ..engine.text import Amount, Day, MultiLine, SingleLine
from ..engine.yamlproblems import pydantic_problems
from ..engine.yamlsource import Located, Problem, SourceError, WrongValueError, load_yaml
from . import store
from . import years as fy
from .case import CATEGORIES, Baseline, BusinessCase, Investment, Saving
from .models import MoneyActualSaving, MoneyCase, MoneyCostIncurred
from .prenup import Agreement, WithdrawalTerm
from .sharing import Basis, BasisKind, basis_problems

#: The largest driver value or percentage (a population, a head count, a share): far above any real one.
LARGEST_NUMBER = Decimal("1000000000000")


def _exact(value: Any) -> Any:
    if isinstance(value, float):
        raise WrongValueError(
            N_('write amounts in quotes, e.g. "{example}", so that no penny is approximated'), example=f"{value:.2f}"
        )
    return value


def _year(value: Any) -> int:
    try:
        return fy.parse(value)
    except BannsError as exc:
        raise WrongValueError(exc.message, **exc.values) from None
    except Exception as exc:
        raise WrongValueError(N_("{detail}"), detail=str(exc)) from None


#: Pounds and pence: finite, whole pence, at most £100bn either way.
Pounds = Annotated[Amount, BeforeValidator(_exact)]
Number = Annotated[Decimal, BeforeValidator(_exact), Field(ge=0, le=LARGEST_NUMBER, decimal_places=6)]
Year = Annotated[int, BeforeValidator(_year)]
Text = Annotated[SingleLine, Field(min_length=1, max_length=100)]
Note = Annotated[MultiLine, Field(max_length=4000)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InvestmentSpec(_Spec):
    year: Year
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    amount: Pounds
    recurring: bool = False
    note: Note = ""


class SavingSpec(_Spec):
    year: Year
    service: Text
    amount: Pounds


class BaselineSpec(_Spec):
    partner: Text
    service: Text
    amount: Pounds


class CaseSpec(_Spec):
    first_year: Year | None = None
    years: Annotated[int, Field(ge=1, le=60)] | None = None
    investments: list[InvestmentSpec] = Field(default_factory=list)
    savings: list[SavingSpec] = Field(default_factory=list)
    baselines: list[BaselineSpec] = Field(default_factory=list)


class BasisSpec(_Spec):
    service: Annotated[SingleLine, Field(max_length=100)] = ""
    kind: BasisKind
    driver: Annotated[SingleLine, Field(max_length=100)] = ""
    retrue_threshold: Number = Decimal(0)
    values: dict[Text, Number] = Field(default_factory=dict)


class TermSpec(_Spec):
    from_stage: Text
    fixed_sum: Pounds = Decimal("0.00")
    share_of_costs: bool = False
    exit_costs: list[Text] = Field(default_factory=list)


class AgreementSpec(_Spec):
    notice_months: Annotated[int, Field(ge=0)] | None = None
    minimum_term_months: Annotated[int, Field(ge=0)] | None = None
    starts_on: Day | None = None
    recompute: Literal["basis", "pro_rata", "equal"] = "basis"
    exit_costs: dict[Text, Pounds] = Field(default_factory=dict)
    terms: list[TermSpec] = Field(default_factory=list)


class CostSpec(_Spec):
    incurred_on: Day
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    amount: Pounds
    note: Note = ""


class MoneySpec(_Spec):
    case: CaseSpec = CaseSpec()
    bases: list[BasisSpec] = Field(default_factory=list)
    agreement: AgreementSpec | None = None
    costs_incurred: list[CostSpec] = Field(default_factory=list)
    actuals: list[SavingSpec] = Field(default_factory=list)
    confidence_scale: Literal["gateway", "rag"] = "gateway"


def parse_money(text: str, file: str) -> tuple[MoneySpec, Located]:
    """Raises: ProgrammeFileError: not YAML, or not the money format."""
    try:
        located = load_yaml(text, file)
    except SourceError as exc:
        raise ProgrammeFileError(exc.problems) from None
    if not isinstance(located.data, dict):
        raise ProgrammeFileError([located.problem((), N_("expected a mapping with case, bases, agreement"))])
    try:
        return MoneySpec.model_validate(located.data), located
    except ValidationError as exc:
        raise ProgrammeFileError(pydantic_problems(located, exc, MoneySpec)) from None


def apply(
    session: Session,
    prog: Programme,
    spec: MoneySpec,
    located: Located,
    stage_ids: list[str],
    today: date,
    current: MoneySpec | None = None,
) -> None:
    """Set the programme's money figures to ``spec`` (a file's, or a file merged into ``current``): lines
    it lacks go. A basis or agreement that ``current`` has unchanged is left as it is, so that its split in
    force and the day it was fixed stay.

    Raises:
        ProgrammeFileError: a partner or stage the programme does not have, or a basis that does not add up.
    """
    check(prog, spec, located, stage_ids)
    save(session, prog, spec, today, current)


def check(prog: Programme, spec: MoneySpec, located: Located, stage_ids: list[str]) -> None:
    """Raises: ProgrammeFileError: the file names a partner or stage the programme does not have, or has a
    basis that does not add up; each problem with its line."""
    problems = _problems(prog, spec, located, stage_ids)
    if problems:
        raise ProgrammeFileError(problems)


def save(session: Session, prog: Programme, spec: MoneySpec, today: date, current: MoneySpec | None = None) -> None:
    """Write ``spec`` as the programme's figures (checked already: see :func:`check`)."""
    _save_plan(session, prog, spec, today, current)
    for table in (MoneyCostIncurred, MoneyActualSaving):
        session.execute(delete(table).where(table.programme_id == prog.id))
    session.add_all(
        MoneyCostIncurred(
            programme_id=prog.id, incurred_on=x.incurred_on, category=x.category, amount=x.amount, note=x.note
        )
        for x in spec.costs_incurred
    )
    session.add_all(
        MoneyActualSaving(programme_id=prog.id, year=x.year, service=x.service, amount=x.amount) for x in spec.actuals
    )


def _problems(prog: Programme, spec: MoneySpec, located: Located, stage_ids: list[str]) -> list[Problem]:
    names = [p.name for p in prog.partners]
    problems = [
        located.problem(("case", "baselines", i, "partner"), N_("unknown partner '{name}'"), name=b.partner)
        for i, b in enumerate(spec.case.baselines)
        if b.partner not in names
    ]
    for i, basis in enumerate(spec.bases):
        problems += [
            located.problem(("bases", i), N_("{detail}"), detail=p)  # a basis's problem, rendered in turn
            for p in basis_problems(_basis(basis), store.facts(store.current_partners(prog)))
        ]
    for i, term in enumerate(spec.agreement.terms if spec.agreement else []):
        if term.from_stage not in stage_ids:
            problems.append(
                located.problem(
                    ("agreement", "terms", i, "from_stage"),
                    N_("unknown stage '{name}'; expected one of: {options}"),
                    name=term.from_stage,
                    options=tuple(stage_ids),
                )
            )
    return problems


def _save_plan(session: Session, prog: Programme, spec: MoneySpec, today: date, current: MoneySpec | None) -> None:
    """The business case, the sharing bases and the pre-nup, as ``spec`` has them."""
    c = spec.case
    store.save_case(
        session,
        prog,
        BusinessCase(
            tuple(Investment(i.year, i.category, i.amount, i.recurring, i.note) for i in c.investments),
            tuple(Saving(s.year, s.service, s.amount) for s in c.savings),
            tuple(Baseline(b.partner, b.service, b.amount) for b in c.baselines),
            c.first_year,
            c.years,
        ),
    )
    session.flush()
    session.get_one(MoneyCase, prog.id).confidence_scale = spec.confidence_scale
    before = {b.service: b for b in current.bases} if current else {}
    for b in spec.bases:
        if before.get(b.service) != b:
            store.save_basis(session, prog, b.service, _basis(b), store.fresh_weights(prog, _basis(b)), today)
    if current is not None:
        store.remove_bases(session, prog, set(before) - {b.service for b in spec.bases})
        if spec.agreement is None and current.agreement is not None:
            store.remove_agreement(session, prog)
    if spec.agreement and (current is None or spec.agreement != current.agreement):
        a = spec.agreement
        store.save_agreement(
            session,
            prog,
            Agreement(
                a.notice_months,
                a.minimum_term_months,
                a.starts_on,
                tuple(
                    WithdrawalTerm(t.from_stage, t.fixed_sum, t.share_of_costs, tuple(t.exit_costs)) for t in a.terms
                ),
                dict(a.exit_costs),
                a.recompute,
            ),
        )


def export(session: Session, prog: Programme) -> str:
    """The programme's money as YAML that :func:`parse_money` reads back to the same figures."""
    head = session.get(MoneyCase, prog.id)
    data: dict[str, Any] = {
        "case": _case_data(store.load_case(session, prog)),
        "bases": [
            {
                "service": s,
                "kind": b.kind.value,
                "driver": b.driver,
                "retrue_threshold": str(b.retrue_threshold),
                "values": {n: str(v) for n, v in b.values.items()},
            }
            for s, (b, _) in store.load_bases(session, prog).items()
        ],
        "confidence_scale": head.confidence_scale if head else "gateway",
    }
    agreement = store.load_agreement(session, prog)
    if agreement:
        data["agreement"] = _agreement_data(agreement)
    costs = session.scalars(
        select(MoneyCostIncurred)
        .filter_by(programme_id=prog.id)
        .order_by(MoneyCostIncurred.incurred_on, MoneyCostIncurred.id)
    )
    data["costs_incurred"] = [
        {"incurred_on": x.incurred_on, "category": x.category, "amount": str(x.amount), "note": x.note} for x in costs
    ]
    data["actuals"] = [
        {"year": fy.label(x.year), "service": x.service, "amount": str(x.amount)}
        for x in session.scalars(
            select(MoneyActualSaving)
            .filter_by(programme_id=prog.id)
            .order_by(MoneyActualSaving.year, MoneyActualSaving.service)
        )
    ]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _case_data(case: BusinessCase) -> dict[str, Any]:
    return {
        **({"first_year": fy.label(case.first_year), "years": case.years} if case.first_year is not None else {}),
        "investments": [
            {
                "year": fy.label(i.year),
                "category": i.category,
                "amount": str(i.amount),
                **({"recurring": True} if i.recurring else {}),
                **({"note": i.note} if i.note else {}),
            }
            for i in case.investments
        ],
        "savings": [{"year": fy.label(s.year), "service": s.service, "amount": str(s.amount)} for s in case.savings],
        "baselines": [{"partner": b.partner, "service": b.service, "amount": str(b.amount)} for b in case.baselines],
    }


def _agreement_data(agreement: Agreement) -> dict[str, Any]:
    return {
        "notice_months": agreement.notice_months,
        "minimum_term_months": agreement.minimum_term_months,
        "starts_on": agreement.starts_on,
        "recompute": agreement.recompute,
        "exit_costs": {n: str(a) for n, a in agreement.exit_costs.items()},
        "terms": [
            {
                "from_stage": t.from_stage,
                "fixed_sum": str(t.fixed_sum),
                "share_of_costs": t.share_of_costs,
                "exit_costs": list(t.exit_costs),
            }
            for t in agreement.terms
        ],
    }


def _basis(spec: BasisSpec) -> Basis:
    return Basis(spec.kind, dict(spec.values), spec.driver, spec.retrue_threshold)
