"""What the portfolio asks for (search, filters, sort, page) and the SQL that selects it: which programmes
a person may see, and which of those match. Everything is a subquery of programme ids, so counts, the
dashboard and the page are each one statement whatever the number of programmes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from typing import Literal, Protocol

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from ..definitions import Definition
from ..models import Partner, Person, Programme, RoleAssignment
from ..permissions import Actor


class PortfolioColumn(Protocol):
    """A column a plug-in adds to the portfolio (the money package adds ``confidence``, the latest delivery
    confidence), installed through the ``banns.portfolio_columns`` entry point group. Each call is one
    query: ``ids`` is a list of a page's programme ids or a subquery of them."""

    def __call__(self, session: Session, programme_ids: list[int]) -> Mapping[int, str]:
        """The column's value for each of a page of programmes that has one."""

    def counts(self, session: Session, programme_ids: Select[int]) -> Mapping[str, int]:
        """How many of the programmes have each value (those with none are left out)."""

    def matching(self, value: str) -> Select[int]:
        """The ids of the programmes whose value is ``value`` (an empty value: those with none)."""


@cache
def portfolio_columns() -> dict[str, PortfolioColumn]:
    """Every installed portfolio column by name."""
    return {ep.name: ep.load() for ep in sorted(entry_points(group="banns.portfolio_columns"), key=lambda e: e.name)}


Sort = Literal["name", "stage", "days", "deadline"]
SORTS: tuple[str, ...] = ("name", "stage", "days", "deadline")
#: ``current``: in progress or live (the default: it hides only programmes that were dissolved or abandoned);
#: ``active``: in progress; ``live``: reached an outcome with no move of its own (the service runs);
#: ``ended``: dissolved, abandoned or another outcome reached by a move; ``all``.
Status = Literal["current", "active", "live", "ended", "all"]
STATUSES: tuple[str, ...] = ("current", "active", "live", "ended", "all")
#: The value of a column filter that asks for programmes with no value (say, not yet assessed).
NO_VALUE = "none"


@dataclass(frozen=True)
class PortfolioQuery:
    #: matches the programme's name, a partner's name, or a person's name or email (case-insensitive)
    search: str = ""
    state: str = ""
    definition: str = ""
    #: matches a current partner's name (case-insensitive, part of it)
    partner: str = ""
    #: ``(column name, value)``: programmes whose plug-in column has that value (:data:`NO_VALUE`: none)
    columns: tuple[tuple[str, str], ...] = ()
    status: Status = "current"
    sort: Sort = "name"
    descending: bool = False
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True)
class Endings:
    """The outcome ids of the stored lifecycles: ``live`` (reached by a stage's ``next``, no move of its own)
    and ``closed`` (reached by a move such as dissolve or abandon)."""

    live: frozenset[str]
    closed: frozenset[str]

    @classmethod
    def of(cls, definitions: Iterable[Definition]) -> Endings:
        live: set[str] = set()
        closed: set[str] = set()
        for d in definitions:
            for outcome in d.outcomes:
                (closed if outcome.move else live).add(outcome.id)
        return cls(frozenset(live), frozenset(closed - live))

    @property
    def all(self) -> frozenset[str]:
        return self.live | self.closed


def visible(actor: Actor) -> Select[int]:
    """The ids of the programmes the actor may see: all for an administrator, else those they hold a role on."""
    stmt = select(Programme.id)
    if actor.is_admin:
        return stmt
    return stmt.where(
        Programme.id.in_(select(RoleAssignment.programme_id).where(RoleAssignment.person_id == actor.person_id))
    )


def matching(actor: Actor, query: PortfolioQuery, endings: Endings) -> Select[int]:
    """The ids of the programmes the actor may see that match the query's search and filters."""
    stmt = visible(actor)
    if query.search:
        stmt = stmt.where(searched(query.search))
    if query.state:
        stmt = stmt.where(Programme.state == query.state)
    if query.definition:
        stmt = stmt.where(Programme.definition_id == query.definition)
    if query.partner:
        stmt = stmt.where(Programme.id.in_(_partners_like(query.partner, current_only=True)))
    columns = portfolio_columns()
    for name, value in query.columns:
        if name in columns:
            stmt = stmt.where(Programme.id.in_(columns[name].matching("" if value == NO_VALUE else value)))
    status: Mapping[str, Callable[[], ColumnElement[bool]]] = {
        "current": lambda: Programme.state.not_in(endings.closed),
        "active": lambda: Programme.state.not_in(endings.all),
        "live": lambda: Programme.state.in_(endings.live),
        "ended": lambda: Programme.state.in_(endings.closed),
    }
    if query.status in status:
        stmt = stmt.where(status[query.status]())
    return stmt


def searched(term: str) -> ColumnElement[bool]:
    """Programmes whose name, a partner's name, or one of whose people's name or email contains ``term``
    (case-insensitive; ``%`` and ``_`` match themselves)."""
    like = term.strip().lower()
    people = (
        select(RoleAssignment.programme_id)
        .join(Person, Person.id == RoleAssignment.person_id)
        .where(
            or_(
                func.lower(Person.name).contains(like, autoescape=True),
                func.lower(Person.email).contains(like, autoescape=True),
            )
        )
    )
    return or_(
        func.lower(Programme.name).contains(like, autoescape=True),
        Programme.id.in_(_partners_like(like, current_only=False)),
        Programme.id.in_(people),
    )


def _partners_like(term: str, *, current_only: bool) -> Select[int]:
    stmt = select(Partner.programme_id).where(func.lower(Partner.name).contains(term.strip().lower(), autoescape=True))
    return stmt.where(Partner.withdrawn_at.is_(None)) if current_only else stmt
