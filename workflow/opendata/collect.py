"""Reading the open data: the rows of every dataset, for the published programmes only, in one read
transaction. Facts only (ids, codes, dates, amounts); nothing that names a person."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..engine.db import Database
from ..engine.definitions import Definition
from ..engine.errors import BrokenDefinitionError
from ..engine.models import Event, Programme, SignOff
from ..engine.publication import UNPUBLISHED
from ..engine.registry import Registry
from ..money import years as fy
from ..money.case import ZERO, BusinessCase, Investment, Saving
from ..money.models import MoneyCase, MoneyInvestment, MoneySaving
from ..money.results import present_value
from ..records.decision_models import DecisionCallIn, PartnerDecision
from .datasets import DATASETS

Row = tuple[Any, ...]
#: The moves out of a stage, and the gate outcome each is (``ended`` leaves no gate behind).
OUTCOMES = {"advanced": "passed", "waived": "waived", "returned": "returned"}
MOVES = (*OUTCOMES, "ended")


@dataclass(frozen=True)
class Export:
    """Every dataset's rows (in its fields' order), and when the published data last changed (``None``:
    nothing was ever published)."""

    tables: dict[str, list[Row]]
    changed_at: datetime | None


def read_open_data(db: Database, registry: Registry) -> Export:
    """The open data as it is now."""
    with db.read() as session:
        return collect(session, registry)


def collect(session: Session, registry: Registry) -> Export:
    programmes = list(
        session.scalars(
            select(Programme)
            .where(Programme.published_at.is_not(None))
            .options(selectinload(Programme.partners), selectinload(Programme.plans))
            .order_by(Programme.id)
        )
    )
    ids = [p.id for p in programmes]
    moves: dict[int, list[Event]] = defaultdict(list)
    for e in session.scalars(
        select(Event)
        .where(Event.programme_id.in_(ids), Event.kind.in_((*MOVES, "sign_off_requested")))
        .order_by(Event.programme_id, Event.seq)
    ):
        moves[e.programme_id or 0].append(e)
    tables: dict[str, list[Row]] = {d.name: [] for d in DATASETS}
    cases = _cases(session, ids)
    for p in programmes:
        definition = _definition(session, registry, p)
        tables["programmes"].append(_programme_row(p, definition))
        tables["partners"].extend(
            (p.id, x.id, x.name, x.kind, _day(x.joined_at), _day(x.withdrawn_at)) for x in p.partners
        )
        tables["stages"].extend(_stage_rows(p, definition, moves[p.id]))
        tables["gate_outcomes"].extend(_outcome_rows(p, moves[p.id]))
        tables["business_case"].extend(_case_rows(p.id, cases.get(p.id, BusinessCase())))
    names = {x.id: x.name for p in programmes for x in p.partners}
    outcomes = {(row[0], row[2]) for row in tables["gate_outcomes"]}
    tables["gate_decisions"] = _decision_rows(session, ids, outcomes, names)
    tables["body_decisions"] = _body_rows(session, ids, names)
    changed_at = session.scalar(
        select(func.max(Event.at)).where(or_(Event.programme_id.in_(ids), Event.kind == UNPUBLISHED))
    )
    return Export(tables, changed_at.astimezone(UTC) if changed_at else None)


def _definition(session: Session, registry: Registry, programme: Programme) -> Definition | None:
    try:
        return registry.pinned(session, programme.definition_hash)
    except BrokenDefinitionError:  # a lifecycle that no longer reads: ids stand in for titles
        return None


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else moment.astimezone(UTC).date()


def _programme_row(p: Programme, definition: Definition | None) -> Row:
    terminal = definition is not None and definition.is_terminal(p.state)
    title = definition.state_title(p.state) if definition else p.state
    return (
        p.id,
        p.name,
        p.definition_id,
        p.definition_version,
        p.state,
        title,
        _day(p.created_at),
        _day(p.stage_entered_at) if terminal else None,
        _day(p.published_at),
    )


def _stage_rows(p: Programme, definition: Definition | None, events: Sequence[Event]) -> Iterable[Row]:
    entered: dict[str, datetime] = {}
    left: dict[str, datetime] = {}
    for e in events:
        if e.kind in MOVES and e.from_state and e.to_state:
            left[e.from_state] = e.at
            entered.setdefault(e.to_state, e.at)
            left.pop(e.to_state, None)
    if definition is None:
        return []
    entered.setdefault(definition.first_stage, p.created_at)
    plans = {x.stage: x for x in p.plans}
    rows = []
    for position, stage in enumerate(definition.stages, start=1):
        plan = plans.get(stage.id)
        rows.append(
            (
                p.id,
                stage.id,
                position,
                stage.title,
                plan.planned_start if plan else None,
                plan.planned_end if plan else None,
                _day(entered.get(stage.id)),
                _day(left.get(stage.id)),
            )
        )
    return rows


def _outcome_rows(p: Programme, events: Sequence[Event]) -> Iterable[Row]:
    """Walks the log as the engine moved: the first visit is 1, and every move starts the next one (as
    ``Programme.stage_visit`` counts); the round is that of the last request made in the visit."""
    visit, round_, rows = 1, None, []
    for e in events:
        if e.kind == "sign_off_requested":
            round_ = (e.data or {}).get("round")
            continue
        if e.kind in OUTCOMES and e.from_state and e.to_state:
            rows.append((p.id, e.from_state, visit, round_, OUTCOMES[e.kind], e.to_state, _day(e.at)))
        visit, round_ = visit + 1, None
    return rows


def _cases(session: Session, ids: list[int]) -> dict[int, BusinessCase]:
    """Every published programme's business case, in three statements whatever their number."""
    heads = {c.programme_id: c for c in session.scalars(select(MoneyCase).where(MoneyCase.programme_id.in_(ids)))}
    investments: dict[int, list[Investment]] = defaultdict(list)
    for i in session.scalars(
        select(MoneyInvestment).where(MoneyInvestment.programme_id.in_(ids)).order_by(MoneyInvestment.id)
    ):
        investments[i.programme_id].append(Investment(i.year, i.category, i.amount, i.recurring))
    savings: dict[int, list[Saving]] = defaultdict(list)
    for x in session.scalars(select(MoneySaving).where(MoneySaving.programme_id.in_(ids)).order_by(MoneySaving.id)):
        savings[x.programme_id].append(Saving(x.year, x.service, x.amount))
    cases = {}
    for pid in {*heads, *investments, *savings}:
        head = heads.get(pid)
        cases[pid] = BusinessCase(
            investments=tuple(investments[pid]),
            savings=tuple(savings[pid]),
            first_year=head.first_year if head else None,
            years=head.years if head else None,
        )
    return cases


def _case_rows(programme_id: int, case: BusinessCase) -> Iterable[Row]:
    """The case's headline figures per financial year: as the money's results appraise them (Green Book)."""
    invest, save = case.investment_by_year(), case.savings_by_year()
    cumulative, rows = ZERO, []
    for t, year in enumerate(case.period()):
        net = save[year] - invest[year]
        cumulative += net
        rows.append(
            (programme_id, year, fy.label(year), invest[year], save[year], net, cumulative, present_value(net, t))
        )
    return rows


def _decision_rows(
    session: Session, ids: list[int], outcomes: set[tuple[int, int]], names: dict[int, str]
) -> list[Row]:
    """Decisions given for a partner, on a visit that has an outcome; a decision in a round still open is not
    published until the gate is decided."""
    found = session.scalars(
        select(SignOff)
        .where(SignOff.programme_id.in_(ids), SignOff.partner_id.is_not(None))
        .order_by(
            SignOff.programme_id,
            SignOff.stage_visit,
            SignOff.subject,
            SignOff.round,
            SignOff.partner_id,
            SignOff.role,
            SignOff.id,
        )
    )
    return [
        (
            s.programme_id,
            s.id,
            s.stage,
            s.stage_visit,
            s.subject,
            s.round,
            s.partner_id,
            names.get(s.partner_id or 0, ""),
            s.role,
            s.decision,
            _day(s.decided_at),
        )
        for s in found
        if (s.programme_id, s.stage_visit) in outcomes and s.partner_id is not None
    ]


def _body_rows(session: Session, ids: list[int], names: dict[int, str]) -> list[Row]:
    decisions = list(
        session.scalars(
            select(PartnerDecision)
            .where(PartnerDecision.programme_id.in_(ids))
            .order_by(PartnerDecision.programme_id, PartnerDecision.stage_visit, PartnerDecision.id)
        )
    )
    latest: dict[int, DecisionCallIn] = {}
    for c in session.scalars(
        select(DecisionCallIn)
        .where(DecisionCallIn.decision_id.in_([d.id for d in decisions]))
        .order_by(DecisionCallIn.called_in_on, DecisionCallIn.id)
    ):
        latest[c.decision_id] = c
    rows = []
    for d in decisions:
        call = latest.get(d.id)
        rows.append(
            (
                d.programme_id,
                d.partner_id,
                names.get(d.partner_id, ""),
                d.stage,
                d.stage_visit,
                d.body,
                d.meeting_on,
                d.key_decision,
                d.forward_plan_on,
                d.outcome,
                call.called_in_on if call else None,
                call.resolution if call else None,
                call.resolved_on if call else None,
            )
        )
    return rows


def decimal_text(value: Decimal) -> str:
    """Pounds and pence as exact text: ``1200.00``."""
    return f"{value:.2f}"
