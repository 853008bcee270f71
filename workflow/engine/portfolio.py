"""The read side across programmes: the portfolio page and "my work". A bounded number of queries
whatever the number of programmes (the web tests count them)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from importlib.metadata import entry_points
from typing import Literal

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, subqueryload

from . import gates
from .approval_holds import holds_for
from .db import Database
from .definitions import Definition
from .errors import BrokenDefinitionError
from .gate_inputs import figures_for, gate_inputs
from .models import DefinitionVersion, Evidence, Partner, Programme, RoleAssignment, SignOff, StagePlan
from .permissions import Actor
from .registry import Registry
from .views import ProgrammeView

#: ``column(session, programme_ids) -> {programme_id: value}``: a column a plug-in adds to the portfolio
#: page, for one page of programmes in one query. Installed through the ``banns.portfolio_columns`` entry
#: point group (the money package adds ``confidence``, the latest delivery confidence).
PortfolioColumn = Callable[[Session, list[int]], Mapping[int, str]]


@cache
def portfolio_columns() -> dict[str, PortfolioColumn]:
    """Every installed portfolio column by name."""
    return {ep.name: ep.load() for ep in sorted(entry_points(group="banns.portfolio_columns"), key=lambda e: e.name)}


Sort = Literal["name", "stage", "days", "deadline"]
SORTS: tuple[str, ...] = ("name", "stage", "days", "deadline")


@dataclass(frozen=True)
class PortfolioQuery:
    search: str = ""
    state: str = ""
    definition: str = ""
    status: Literal["active", "ended", "all"] = "active"
    sort: Sort = "name"
    descending: bool = False
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True)
class PortfolioRow:
    id: int
    name: str
    definition_id: str
    state: str
    state_title: str
    ended: bool
    stage_entered_at: datetime
    days_in_stage: int
    next_deadline: date | None
    partners: tuple[str, ...]
    #: Plug-ins' columns (:data:`PortfolioColumn`) by name; a programme with no value has no key.
    columns: Mapping[str, str] = field(default_factory=dict)
    #: Why the programme's lifecycle cannot be read (then its stage is shown by id), or empty.
    problem: str = ""


@dataclass(frozen=True)
class PortfolioPage:
    rows: tuple[PortfolioRow, ...]
    total: int
    page: int
    pages: int
    query: PortfolioQuery
    states: tuple[tuple[str, str], ...]
    definitions: tuple[str, ...]


@dataclass(frozen=True)
class LifecycleInUse:
    """A stored lifecycle version that programmes run on (see :meth:`Portfolio.lifecycles_in_use`)."""

    definition_id: str
    version: int
    title: str
    programmes: int
    #: The version its file in the definitions folder has now; None: no file defines it (removed, or wrong).
    file_version: int | None
    #: Why its stored text cannot be read, or empty.
    problem: str


@dataclass(frozen=True)
class DueSignOff:
    programme_id: int
    programme_name: str
    stage_title: str
    subject: str
    #: ``(role title, partner name or None)`` for each capacity the person is still asked in.
    capacities: tuple[tuple[str, str | None], ...]
    requested_at: datetime | None
    due: date | None


@dataclass(frozen=True)
class ReadyGate:
    programme_id: int
    programme_name: str
    stage_title: str
    ready: bool
    waiting_on: tuple[str, ...]


@dataclass(frozen=True)
class MyWork:
    sign_offs: tuple[DueSignOff, ...]
    managed: tuple[ReadyGate, ...]


class Portfolio:
    def __init__(self, db: Database, registry: Registry) -> None:
        self.db = db
        self.registry = registry

    def page(self, actor: Actor, query: PortfolioQuery, now: datetime) -> PortfolioPage:
        """One page of the programmes the actor can see, filtered and sorted in the database."""
        with self.db.read() as session:
            ids = _filtered(actor, query, self._outcome_ids(session)).subquery()
            total = session.scalar(select(func.count()).select_from(ids)) or 0
            pages = max(1, math.ceil(total / query.per_page))
            page = min(max(query.page, 1), pages)
            order = {
                "name": Programme.name,
                "stage": Programme.state,
                "days": Programme.stage_entered_at.desc(),
                "deadline": StagePlan.planned_end,
            }[query.sort]
            if query.descending:
                order = order.desc() if query.sort != "days" else Programme.stage_entered_at
            rows = session.execute(
                select(Programme, StagePlan.planned_end)
                .join(ids, ids.c.id == Programme.id)
                .outerjoin(StagePlan, and_(StagePlan.programme_id == Programme.id, StagePlan.stage == Programme.state))
                .order_by(order, Programme.id)
                .limit(query.per_page)
                .offset((page - 1) * query.per_page)
            ).all()
            partners = _partner_names(session, [p.id for p, _ in rows])
            page_ids = [p.id for p, _ in rows]
            columns = {name: column(session, page_ids) for name, column in portfolio_columns().items()}
            states = session.execute(select(Programme.state, Programme.definition_hash).distinct()).all()
            definitions = session.scalars(select(Programme.definition_id).distinct().order_by(Programme.definition_id))
            result = [
                _row(
                    p,
                    self._pinned(session, p.definition_hash),
                    (now - p.stage_entered_at).days,
                    deadline,
                    tuple(partners[p.id]),
                    {name: values[p.id] for name, values in columns.items() if p.id in values},
                )
                for p, deadline in rows
            ]
            state_titles = {s: _state_title(self._pinned(session, h), s) for s, h in states}
            return PortfolioPage(
                tuple(result),
                total,
                page,
                pages,
                query,
                tuple(sorted(state_titles.items(), key=lambda kv: kv[1])),
                tuple(definitions),
            )

    def my_work(self, actor: Actor, now: datetime | None = None) -> MyWork:
        """Sign-offs waiting on the actor, and the gates of programmes the actor manages.

        Six queries whatever the number of programmes: every related row is selected by joining to the
        actor's active programmes, never by a list of ids.
        """
        with self.db.read() as session:
            outcomes = self._outcome_ids(session)
            mine = select(RoleAssignment.programme_id).where(RoleAssignment.person_id == actor.person_id)
            active = select(Programme.id).where(Programme.id.in_(mine), Programme.state.not_in(outcomes))
            programmes = list(
                session.scalars(
                    select(Programme)
                    .where(Programme.id.in_(active))
                    .options(subqueryload(Programme.partners), subqueryload(Programme.roles))
                    .order_by(Programme.name)
                )
            )
            current_visit = and_(
                Programme.id == SignOff.programme_id,
                Programme.state == SignOff.stage,
                Programme.stage_visit == SignOff.stage_visit,
            )
            decisions = session.scalars(
                select(SignOff).join(Programme, current_visit).where(Programme.id.in_(active))
            ).all()
            evidence = session.execute(
                select(Evidence.programme_id, Evidence.criterion)
                .distinct()
                .join(Programme, and_(Programme.id == Evidence.programme_id, Programme.state == Evidence.stage))
                .where(Programme.id.in_(active), Evidence.withdrawn_at.is_(None))
            ).all()
            deadlines = dict(
                session.execute(
                    select(StagePlan.programme_id, StagePlan.planned_end)
                    .join(Programme, and_(Programme.id == StagePlan.programme_id, Programme.state == StagePlan.stage))
                    .where(Programme.id.in_(active))
                ).all()
            )
            by_programme: dict[int, list[SignOff]] = defaultdict(list)
            for s in decisions:
                by_programme[s.programme_id].append(s)
            evidenced: dict[int, set[str]] = defaultdict(set)
            for pid, criterion in evidence:
                evidenced[pid].add(criterion)
            due, managed = [], []
            for p in programmes:
                d, current = self._pinned(session, p.definition_hash), by_programme[p.id]
                manages = any(r.person_id == actor.person_id and r.role == "programme_manager" for r in p.roles)
                if isinstance(d, BrokenDefinitionError):  # shown to its managers, with why; the rest go on
                    managed.extend([ReadyGate(p.id, p.name, p.state, False, (str(d),))] if manages else [])
                elif item := _due(actor, p, d, current, deadlines.get(p.id)):
                    due.append(item)
                if manages and isinstance(d, Definition):
                    # figure checks (money) run only for gates whose criteria name them
                    figures, holds = figures_for(session, p, d), holds_for(session, p, d, now or datetime.now(UTC))
                    inputs = gate_inputs(p, frozenset(evidenced[p.id]), current, "gate", figures, holds)
                    report = gates.evaluate(d, d.gates[p.state].sign_off, d.gates[p.state].criteria, inputs)
                    managed.append(ReadyGate(p.id, p.name, d.state_title(p.state), report.passed, report.unmet))
            return MyWork(tuple(due), tuple(sorted(managed, key=lambda m: not m.ready)))

    def manages_any(self, actor: Actor) -> bool:
        """Whether the actor is programme manager of at least one programme."""
        with self.db.read() as session:
            return (
                session.scalar(
                    select(RoleAssignment.id)
                    .where(RoleAssignment.person_id == actor.person_id, RoleAssignment.role == "programme_manager")
                    .limit(1)
                )
                is not None
            )

    def lifecycles_in_use(self) -> tuple[LifecycleInUse, ...]:
        """Each stored lifecycle version programmes run on, with the version its file has now (if any)."""
        catalogue = self.registry.catalogue()
        with self.db.read() as session:
            rows = session.execute(
                select(
                    DefinitionVersion.hash,
                    DefinitionVersion.definition_id,
                    DefinitionVersion.version,
                    DefinitionVersion.title,
                    func.count(Programme.id),
                )
                .join(Programme, Programme.definition_hash == DefinitionVersion.hash)
                .group_by(DefinitionVersion.hash)
                .order_by(DefinitionVersion.definition_id, DefinitionVersion.version, DefinitionVersion.hash)
            ).all()
            result = []
            for source_hash, definition_id, version, title, count in rows:
                pinned = self._pinned(session, source_hash)
                latest = catalogue.definitions.get(definition_id)
                problem = pinned.reason if isinstance(pinned, BrokenDefinitionError) else ""
                file_version = latest.version if latest else None
                result.append(LifecycleInUse(definition_id, version, title, count, file_version, problem))
            return tuple(result)

    def definition_of(self, view: ProgrammeView) -> Definition:
        """The definition a programme runs on (pinned to its content hash)."""
        with self.db.read() as session:
            return self.registry.pinned(session, view.definition_hash)

    def _outcome_ids(self, session: Session) -> set[str]:
        """The outcome ids of every stored lifecycle that reads (a programme on one that does not counts as
        in progress)."""
        definitions = [self._pinned(session, h) for h in session.scalars(select(DefinitionVersion.hash))]
        return {o for d in definitions if isinstance(d, Definition) for o in d.outcome_by_id}

    def _pinned(self, session: Session, source_hash: str) -> Definition | BrokenDefinitionError:
        """The pinned definition, or why it cannot be read: one broken lifecycle never takes the page down."""
        try:
            return self.registry.pinned(session, source_hash)
        except BrokenDefinitionError as exc:
            return exc


def _row(
    p: Programme,
    d: Definition | BrokenDefinitionError,
    days: int,
    deadline: date | None,
    partners: tuple[str, ...],
    columns: Mapping[str, str],
) -> PortfolioRow:
    if isinstance(d, BrokenDefinitionError):
        title, ended, problem = _state_title(d, p.state), False, d.reason
    else:
        title, ended, problem = d.state_title(p.state), d.is_terminal(p.state), ""
    return PortfolioRow(
        p.id,
        p.name,
        p.definition_id,
        p.state,
        title,
        ended,
        p.stage_entered_at,
        days,
        deadline,
        partners,
        columns,
        problem,
    )


def _state_title(d: Definition | BrokenDefinitionError, state: str) -> str:
    return state.replace("_", " ").capitalize() if isinstance(d, BrokenDefinitionError) else d.state_title(state)


def _due(actor: Actor, p: Programme, d: Definition, current: list[SignOff], deadline: date | None) -> DueSignOff | None:
    subject = p.sign_off_subject
    if subject is None:
        return None
    gate = d.gates[p.state]
    rules = gate.sign_off if subject == "gate" else gate.waiver
    assert rules is not None
    partners = {x.id: x.name for x in p.partners if x.withdrawn_at is None}
    mine = [(r.person_id, gates.Capacity(r.role, r.partner_id)) for r in p.roles if r.person_id == actor.person_id]
    decided = [
        (s.person_id, gates.Capacity(s.role, s.partner_id))
        for s in current
        if s.round == p.sign_off_round and s.subject == subject
    ]
    waiting = gates.still_asked(d, rules, partners, mine, decided, {x.id: x.kind for x in p.partners})
    if not waiting:
        return None
    capacities = tuple(
        sorted((d.role_title[c.role], partners[c.partner_id] if c.partner_id else None) for _, c in waiting)
    )
    return DueSignOff(p.id, p.name, d.state_title(p.state), subject, capacities, p.sign_off_requested_at, deadline)


def _filtered(actor: Actor, query: PortfolioQuery, outcomes: set[str]) -> Select[tuple[int]]:
    """The ids of the programmes the actor can see that match the query's search and filters."""
    stmt = _visible(select(Programme.id), actor)
    if query.search:
        stmt = stmt.where(func.lower(Programme.name).contains(query.search.lower(), autoescape=True))
    if query.state:
        stmt = stmt.where(Programme.state == query.state)
    if query.definition:
        stmt = stmt.where(Programme.definition_id == query.definition)
    if query.status != "all":
        ended = Programme.state.in_(outcomes)
        stmt = stmt.where(ended if query.status == "ended" else ~ended)
    return stmt


def _visible(stmt: Select[tuple[int]], actor: Actor) -> Select[tuple[int]]:
    if actor.is_admin:
        return stmt
    return stmt.where(
        Programme.id.in_(select(RoleAssignment.programme_id).where(RoleAssignment.person_id == actor.person_id))
    )


def _partner_names(session: Session, ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(Partner.programme_id, Partner.name)
        .where(Partner.programme_id.in_(ids), Partner.withdrawn_at.is_(None))
        .order_by(Partner.id)
    )
    for pid, name in rows:
        names[pid].append(name)
    return names
