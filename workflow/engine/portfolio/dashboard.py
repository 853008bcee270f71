"""The portfolio dashboard as facts: programmes by stage and by each plug-in column's value (delivery
confidence), stages past their planned end, sign-off requests waiting longest, and gates due soon. Each figure
is one aggregate or one limited list over a subquery of programme ids: a fixed number of statements whatever
the number of programmes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib.metadata import entry_points
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from ..gates import APPROVE
from ..models import Programme, SignOff, StagePlan
from .query import portfolio_columns

#: How many programmes each list on the dashboard shows.
LISTED = 5
UK = ZoneInfo("Europe/London")
#: How far ahead "upcoming" looks.
AHEAD = timedelta(days=42)


Dated = Select[int, str, str, str, date | None, datetime | None]


@dataclass(frozen=True)
class StageCount:
    state: str
    #: the programmes' lifecycle (content hash) that names the stage, to title it
    definition_hash: str
    count: int


@dataclass(frozen=True)
class DatedProgramme:
    """A programme on a dashboard list, with the day that put it there."""

    id: int
    name: str
    state: str
    definition_hash: str
    #: the current stage's planned end (overdue, upcoming), or the UK day sign-off was requested (waiting)
    day: date
    #: when sign-off of the current gate (or its waiver) was requested, if it is open
    requested_at: datetime | None
    #: approvals given in the open round
    approvals: int = 0


@dataclass(frozen=True)
class Listed:
    """The first :data:`LISTED` of a list, and how many there are in all."""

    rows: tuple[DatedProgramme, ...]
    total: int


@dataclass(frozen=True)
class UpcomingDecision:
    """A partner's decision on its programme's gate, planned for a meeting (from a plug-in's records)."""

    programme_id: int
    programme_name: str
    partner: str
    #: the deciding body's id (``cabinet``, ``full_council`` ...)
    body: str
    day: date


#: ``hook(session, programme_ids, first_day, last_day, limit) -> (the first `limit` decisions, how many in
#: all)``: partners' decisions planned between the two days on the programmes the subquery selects, soonest
#: first, in two queries. Installed through the ``banns.portfolio_decisions`` entry point group.
DecisionsHook = Callable[[Session, Select[int], date, date, int], tuple[tuple[UpcomingDecision, ...], int]]


@cache
def decision_hooks() -> list[DecisionsHook]:
    """Every installed hook, in entry point name order."""
    return [ep.load() for ep in sorted(entry_points(group="banns.portfolio_decisions"), key=lambda e: e.name)]


@dataclass(frozen=True)
class Dashboard:
    total: int
    by_stage: tuple[StageCount, ...]
    #: per plug-in column: how many programmes have each value; those with none are ``total`` less the sum
    by_column: dict[str, dict[str, int]]
    overdue: Listed
    waiting: Listed
    upcoming: Listed
    #: the partners' decisions planned in the weeks ahead, soonest first, and how many in all
    decisions: tuple[UpcomingDecision, ...] = ()
    decisions_total: int = 0


def dashboard(session: Session, ids: Select[int], total: int, today: date, ended: frozenset[str]) -> Dashboard:
    """The dashboard of the programmes ``ids`` selects (``total`` of them) on ``today``; programmes in a state of
    ``ended`` have no overdue or upcoming stage."""
    by_stage = session.execute(
        select(Programme.state, func.min(Programme.definition_hash), func.count())
        .where(Programme.id.in_(ids))
        .group_by(Programme.state)
    ).all()
    columns = {name: dict(column.counts(session, ids)) for name, column in portfolio_columns().items()}
    planned = and_(StagePlan.programme_id == Programme.id, StagePlan.stage == Programme.state)
    in_stage = and_(Programme.id.in_(ids), Programme.state.not_in(ended))
    overdue = _listed(session, _dated(planned).where(in_stage, StagePlan.planned_end < today))
    upcoming = _listed(
        session,
        _dated(planned).where(in_stage, StagePlan.planned_end >= today, StagePlan.planned_end <= today + AHEAD),
    )
    decisions: list[UpcomingDecision] = []
    decisions_total = 0
    for hook in decision_hooks():
        found, count = hook(session, ids, today, today + AHEAD, LISTED)
        decisions, decisions_total = decisions + list(found), decisions_total + count
    return Dashboard(
        total,
        tuple(StageCount(state, h, n) for state, h, n in by_stage),
        columns,
        overdue,
        _waiting(session, ids),
        upcoming,
        tuple(sorted(decisions, key=lambda d: d.day)[:LISTED]),
        decisions_total,
    )


def _dated(planned: ColumnElement[bool]) -> Dated:
    return select(
        Programme.id,
        Programme.name,
        Programme.state,
        Programme.definition_hash,
        StagePlan.planned_end,
        Programme.sign_off_requested_at,
    ).join(StagePlan, planned)


def _listed(session: Session, stmt: Dated) -> Listed:
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(StagePlan.planned_end, Programme.name, Programme.id).limit(LISTED)).all()
    return Listed(
        tuple(DatedProgramme(pid, name, state, h, day, at) for pid, name, state, h, day, at in rows if day), total
    )


def _waiting(session: Session, ids: Select[int]) -> Listed:
    """Open sign-off requests, the longest waiting first, with the approvals given in the round."""
    open_request = and_(Programme.id.in_(ids), Programme.sign_off_subject.is_not(None))
    total = session.scalar(select(func.count()).select_from(Programme).where(open_request)) or 0
    approvals = (
        select(func.count())
        .where(
            SignOff.programme_id == Programme.id,
            SignOff.stage == Programme.state,
            SignOff.stage_visit == Programme.stage_visit,
            SignOff.round == Programme.sign_off_round,
            SignOff.subject == Programme.sign_off_subject,
            SignOff.decision == APPROVE,
        )
        .correlate(Programme)
        .scalar_subquery()
        .label("approvals")
    )
    rows = session.execute(
        select(
            Programme.id,
            Programme.name,
            Programme.state,
            Programme.definition_hash,
            Programme.sign_off_requested_at,
            approvals,
        )
        .where(open_request)
        .order_by(Programme.sign_off_requested_at, Programme.name, Programme.id)
        .limit(LISTED)
    ).all()
    return Listed(
        tuple(
            DatedProgramme(r.id, r.name, r.state, r.definition_hash, at.astimezone(UK).date(), at, int(r.approvals))
            for r in rows
            if (at := r.sign_off_requested_at)
        ),
        total,
    )
