"""Each partner's democratic decisions read as frozen facts: the board the decisions page shows, the holds the
gates use (the ``banns.approval_holds`` hook), and the dates the reminders need (``banns.decision_dates``).
Statuses are codes (``awaiting_decision``, ``in_call_in``, ``called_in``, ``counts``, ...), never sentences."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ..engine.definitions import DecisionRule, Definition
from ..engine.gates import AWAITING_DECISION, ApprovalHold
from ..engine.models import Partner, Programme, StagePlan
from . import decision_rules as rules
from .decision_models import DecisionCallIn, PartnerDecision, PreElectionPeriod

UK = ZoneInfo("Europe/London")
GO_LIVE_STAGE = "go_live"


def uk_date(moment: datetime) -> date:
    return moment.astimezone(UK).date()


@dataclass(frozen=True)
class CallInView:
    id: int
    called_in_on: date
    resolved_on: date | None
    resolution: str | None
    note: str


@dataclass(frozen=True)
class DecisionView:
    """A recorded decision, with what follows from its dates."""

    id: int
    partner_id: int
    stage: str
    body: str
    meeting_on: date
    key_decision: bool
    forward_plan_on: date | None
    clear_days: int | None
    short_notice: bool
    minutes: str
    outcome: str
    call_in_days: int
    call_in_ends: date
    call_ins: tuple[CallInView, ...]
    in_pre_election: bool


@dataclass(frozen=True)
class PartnerDecisionStatus:
    """What the current gate asks of one partner's body, and where that stands."""

    partner_id: int
    partner_name: str
    body: str
    key_decision: bool
    status: str
    counts_from: date | None
    decision: DecisionView | None


@dataclass(frozen=True)
class PreElectionView:
    id: int
    partner_id: int
    partner_name: str
    starts_on: date
    polling_on: date


@dataclass(frozen=True)
class GoLiveFlag:
    """The planned go-live falls in a partner's pre-election period."""

    partner_id: int
    partner_name: str
    go_live_on: date


@dataclass(frozen=True)
class DecisionBoard:
    programme_id: int
    programme_name: str
    stage: str
    today: date
    asked: tuple[PartnerDecisionStatus, ...]
    periods: tuple[PreElectionView, ...]
    go_live_flags: tuple[GoLiveFlag, ...]
    #: the partners the actor may record decisions for
    may_record_for: frozenset[int]


def asked_of(definition: Definition, programme: Programme) -> Iterator[tuple[Partner, DecisionRule]]:
    """Each current partner and the decision rule of the current gate that applies to it."""
    gate = definition.gates.get(programme.state)
    for rule in gate.decisions if gate else []:
        for partner in sorted(programme.partners, key=lambda p: p.id):
            if partner.withdrawn_at is None and rule.applies_to(partner.kind):
                yield partner, rule


def _periods(session: Session, programme_id: int) -> dict[int, list[PreElectionPeriod]]:
    found: dict[int, list[PreElectionPeriod]] = defaultdict(list)
    rows = session.scalars(
        select(PreElectionPeriod).where(PreElectionPeriod.programme_id == programme_id).order_by(PreElectionPeriod.id)
    )
    for period in rows:
        found[period.partner_id].append(period)
    return found


def _decisions(session: Session, programme: Programme) -> dict[tuple[int, str], PartnerDecision]:
    rows = session.scalars(
        select(PartnerDecision).where(
            PartnerDecision.programme_id == programme.id,
            PartnerDecision.stage == programme.state,
            PartnerDecision.stage_visit == programme.stage_visit,
        )
    )
    return {(d.partner_id, d.body): d for d in rows}


def _call_ins(session: Session, ids: list[int]) -> dict[int, list[DecisionCallIn]]:
    found: dict[int, list[DecisionCallIn]] = defaultdict(list)
    if ids:
        for c in session.scalars(
            select(DecisionCallIn).where(DecisionCallIn.decision_id.in_(ids)).order_by(DecisionCallIn.id)
        ):
            found[c.decision_id].append(c)
    return found


def decision_view(
    d: PartnerDecision, nation: str, call_ins: list[DecisionCallIn], periods: list[PreElectionPeriod]
) -> DecisionView:
    return DecisionView(
        id=d.id,
        partner_id=d.partner_id,
        stage=d.stage,
        body=d.body,
        meeting_on=d.meeting_on,
        key_decision=d.key_decision,
        forward_plan_on=d.forward_plan_on,
        clear_days=rules.clear_days(d.forward_plan_on, d.meeting_on) if d.forward_plan_on else None,
        short_notice=rules.short_notice(d.key_decision, d.forward_plan_on, d.meeting_on),
        minutes=d.minutes,
        outcome=d.outcome,
        call_in_days=d.call_in_days,
        call_in_ends=rules.call_in_ends(d.meeting_on, d.call_in_days, nation),
        call_ins=tuple(CallInView(c.id, c.called_in_on, c.resolved_on, c.resolution, c.note) for c in call_ins),
        in_pre_election=rules.in_period(d.meeting_on, [(p.starts_on, p.polling_on) for p in periods]),
    )


def statuses(
    session: Session, programme: Programme, definition: Definition, today: date
) -> tuple[PartnerDecisionStatus, ...]:
    """Per partner and body the current gate asks a decision of: its status on ``today``."""
    wanted = list(asked_of(definition, programme))
    if not wanted:
        return ()
    decisions = _decisions(session, programme)
    call_ins = _call_ins(session, [d.id for d in decisions.values()])
    periods = _periods(session, programme.id)
    found = []
    for partner, rule in wanted:
        row = decisions.get((partner.id, rule.body))
        view = decision_view(row, partner.nation, call_ins[row.id], periods[partner.id]) if row else None
        status, counts_from = AWAITING_DECISION, None
        if view is not None:
            facts = [rules.CallInFacts(c.called_in_on, c.resolved_on, c.resolution) for c in view.call_ins]
            status, counts_from = rules.status(view.outcome, view.meeting_on, view.call_in_ends, facts, today)
        found.append(
            PartnerDecisionStatus(partner.id, partner.name, rule.body, rule.key_decision, status, counts_from, view)
        )
    return tuple(found)


def approval_holds(
    session: Session, programme: Programme, definition: Definition, now: datetime
) -> tuple[ApprovalHold, ...]:
    """The ``banns.approval_holds`` hook: whether each partner's approval counts at the current gate."""
    return tuple(
        ApprovalHold(s.partner_id, s.body, s.status, s.counts_from, s.decision.id if s.decision else None)
        for s in statuses(session, programme, definition, uk_date(now))
    )


def pre_election_views(session: Session, programme: Programme) -> tuple[PreElectionView, ...]:
    names = {p.id: p.name for p in programme.partners}
    return tuple(
        PreElectionView(p.id, p.partner_id, names.get(p.partner_id, ""), p.starts_on, p.polling_on)
        for items in _periods(session, programme.id).values()
        for p in items
    )


def go_live_flags(session: Session, programme: Programme) -> tuple[GoLiveFlag, ...]:
    """Current partners in whose pre-election period the planned go-live (the go-live stage's planned end,
    else its planned start) falls."""
    plan = session.execute(
        select(StagePlan.planned_start, StagePlan.planned_end).where(
            and_(StagePlan.programme_id == programme.id, StagePlan.stage == GO_LIVE_STAGE)
        )
    ).first()
    day = (plan.planned_end or plan.planned_start) if plan else None
    if day is None:
        return ()
    periods = _periods(session, programme.id)
    return tuple(
        GoLiveFlag(p.id, p.name, day)
        for p in sorted(programme.partners, key=lambda p: p.id)
        if p.withdrawn_at is None and rules.in_period(day, [(x.starts_on, x.polling_on) for x in periods[p.id]])
    )
