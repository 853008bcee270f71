"""The read side across programmes: the portfolio page (with its dashboard) and "my work". A fixed number
of statements whatever the number of programmes: counts are aggregates, lists are pages (the web tests count
the statements)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from .. import gates
from ..approval_holds import holds_for
from ..db import Database
from ..definitions import Definition
from ..errors import BrokenDefinitionError
from ..gate_inputs import figures_for, gate_inputs
from ..models import DefinitionVersion, Evidence, Partner, Programme, RoleAssignment, SignOff, StagePlan
from ..permissions import Actor
from ..reasons import BROKEN_DEFINITION, reason
from ..registry import Registry
from ..views import ProgrammeView
from .dashboard import dashboard
from .facts import DueSignOff, LifecycleInUse, MyWork, PortfolioPage, PortfolioRow, ReadyGate
from .query import Endings, PortfolioQuery, matching, portfolio_columns, visible
from .work import managed_by, page_of, paged, waiting_on

UK = ZoneInfo("Europe/London")


class Portfolio:
    def __init__(self, db: Database, registry: Registry) -> None:
        self.db = db
        self.registry = registry

    def page(self, actor: Actor, query: PortfolioQuery, now: datetime) -> PortfolioPage:
        """One page of the programmes the actor can see, filtered and sorted in the database, with the
        dashboard of all those that match and how many the filters hide."""
        with self.db.read() as session:
            endings = self._endings(session)
            ids = matching(actor, query, endings)
            seen, total = _count(session, visible(actor)), _count(session, ids)
            at = paged(total, query.page, query.per_page)
            rows = self._rows(session, ids, query, at.page, now)
            states = session.execute(
                select(Programme.state, func.min(Programme.definition_hash)).group_by(Programme.state)
            ).all()
            pinned = {s: self._pinned(session, h) for s, h in states}
            titles = {s: _state_title(d, s) for s, d in pinned.items()}
            definitions = session.scalars(select(Programme.definition_id).distinct().order_by(Programme.definition_id))
            board = dashboard(session, ids, total, now.astimezone(UK).date(), endings.all)
            return PortfolioPage(
                rows,
                total,
                at.page,
                at.pages,
                query,
                tuple(sorted(titles.items(), key=lambda kv: (_position(pinned[kv[0]], kv[0]), kv[1]))),
                tuple(definitions),
                seen,
                board,
                titles,
            )

    def _rows(
        self, session: Session, ids: Select[int], query: PortfolioQuery, page: int, now: datetime
    ) -> tuple[PortfolioRow, ...]:
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
            .where(Programme.id.in_(ids))
            .outerjoin(StagePlan, and_(StagePlan.programme_id == Programme.id, StagePlan.stage == Programme.state))
            .order_by(order, Programme.id)
            .limit(query.per_page)
            .offset((page - 1) * query.per_page)
        ).all()
        page_ids = [p.id for p, _ in rows]
        partners = _partner_names(session, page_ids)
        columns = {name: column(session, page_ids) for name, column in portfolio_columns().items()}
        return tuple(
            _row(
                p,
                self._pinned(session, p.definition_hash),
                (now - p.stage_entered_at).days,
                deadline,
                tuple(partners[p.id]),
                {name: values[p.id] for name, values in columns.items() if p.id in values},
            )
            for p, deadline in rows
        )

    def my_work(
        self, actor: Actor, now: datetime | None = None, *, page: int = 1, managed_page: int = 1, per_page: int = 25
    ) -> MyWork:
        """A page of the sign-offs waiting on the actor (the longest waiting first) and a page of the gates of
        the programmes the actor manages (by name). The same statements whatever the number of programmes."""
        with self.db.read() as session:
            endings = self._endings(session)
            pinned = [(h, self._pinned(session, h)) for h in self._hashes(session)]
            definitions = [(h, d) for h, d in pinned if isinstance(d, Definition)]
            waiting, waiting_at = page_of(
                session,
                waiting_on(actor.person_id, definitions, endings.all),
                [Programme.sign_off_requested_at, Programme.name],
                page,
                per_page,
            )
            managed, managed_at = page_of(
                session, managed_by(actor.person_id, endings.all), [Programme.name], managed_page, per_page
            )
            ids = [p.id for p in waiting + managed]
            current = _current_sign_offs(session, ids)
            deadlines = _deadlines(session, ids)
            due = []
            for p in waiting:
                d = self._pinned(session, p.definition_hash)
                if isinstance(d, Definition) and (item := _due(actor, p, d, current[p.id], deadlines.get(p.id))):
                    due.append(item)
            gates_ = self._gates(session, managed, current, now or datetime.now(UK))
            return MyWork(tuple(due), gates_, waiting_at, managed_at)

    def _gates(
        self, session: Session, managed: list[Programme], current: Mapping[int, list[SignOff]], now: datetime
    ) -> tuple[ReadyGate, ...]:
        """Each managed programme's gate, judged: ready to advance, or what it waits on."""
        evidenced = _evidenced(session, [p.id for p in managed])
        result = []
        for p in managed:
            d = self._pinned(session, p.definition_hash)
            if isinstance(d, BrokenDefinitionError):  # shown to its managers, with why; the rest go on
                result.append(ReadyGate(p.id, p.name, p.state, False, (reason(BROKEN_DEFINITION, reason=d.reason),)))
                continue
            # figure checks (money) and decisions run only for gates whose criteria name them
            figures, holds = figures_for(session, p, d), holds_for(session, p, d, now)
            inputs = gate_inputs(p, evidenced[p.id], current[p.id], "gate", figures, holds)
            report = gates.evaluate(d, d.gates[p.state].sign_off, d.gates[p.state].criteria, inputs)
            result.append(ReadyGate(p.id, p.name, d.state_title(p.state), report.passed, report.unmet))
        return tuple(result)

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
                problem = pinned.reason if isinstance(pinned, BrokenDefinitionError) else None
                file_version = latest.version if latest else None
                result.append(LifecycleInUse(definition_id, version, title, count, file_version, problem))
            return tuple(result)

    def definition_of(self, view: ProgrammeView) -> Definition:
        """The definition a programme runs on (pinned to its content hash)."""
        with self.db.read() as session:
            return self.registry.pinned(session, view.definition_hash)

    def _hashes(self, session: Session) -> list[str]:
        return list(session.scalars(select(DefinitionVersion.hash)))

    def _endings(self, session: Session) -> Endings:
        """The outcomes of every stored lifecycle that reads (a programme on one that does not counts as in
        progress)."""
        definitions = [self._pinned(session, h) for h in self._hashes(session)]
        return Endings.of(d for d in definitions if isinstance(d, Definition))

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
        title, ended, problem = d.state_title(p.state), d.is_terminal(p.state), None
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


def _position(d: Definition | BrokenDefinitionError, state: str) -> int:
    """Where a state comes in its lifecycle: stages in order, then outcomes."""
    return d.stage_ids.index(state) if isinstance(d, Definition) and state in d.stage_ids else 1000


def _count(session: Session, ids: Select[int]) -> int:
    return session.scalar(select(func.count()).select_from(ids.subquery())) or 0


def _current_sign_offs(session: Session, ids: list[int]) -> dict[int, list[SignOff]]:
    """The decisions on the current visit to each programme's stage."""
    found: dict[int, list[SignOff]] = defaultdict(list)
    current_visit = and_(
        Programme.id == SignOff.programme_id,
        Programme.state == SignOff.stage,
        Programme.stage_visit == SignOff.stage_visit,
    )
    for s in session.scalars(select(SignOff).join(Programme, current_visit).where(Programme.id.in_(ids))):
        found[s.programme_id].append(s)
    return found


def _evidenced(session: Session, ids: list[int]) -> dict[int, frozenset[str]]:
    """The criteria of each programme's current stage that have evidence."""
    rows = session.execute(
        select(Evidence.programme_id, Evidence.criterion)
        .distinct()
        .join(Programme, and_(Programme.id == Evidence.programme_id, Programme.state == Evidence.stage))
        .where(Programme.id.in_(ids), Evidence.withdrawn_at.is_(None))
    ).all()
    found: dict[int, set[str]] = defaultdict(set)
    for pid, criterion in rows:
        found[pid].add(criterion)
    return defaultdict(frozenset, {pid: frozenset(c) for pid, c in found.items()})


def _deadlines(session: Session, ids: list[int]) -> dict[int, date | None]:
    """Each programme's current stage's planned end."""
    return dict(
        session.execute(
            select(StagePlan.programme_id, StagePlan.planned_end)
            .join(Programme, and_(Programme.id == StagePlan.programme_id, Programme.state == StagePlan.stage))
            .where(Programme.id.in_(ids))
        ).all()
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
