"""What the read side across programmes returns: plain facts (ids, names, dates, counts), no words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from ..reasons import Reason
from .dashboard import Dashboard
from .query import PortfolioQuery
from .work import Paged


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
    #: Plug-ins' columns (:class:`.query.PortfolioColumn`) by name; a programme with no value has no key.
    columns: Mapping[str, str] = field(default_factory=dict)
    #: Why the programme's lifecycle cannot be read (then its stage is shown by id), or None.
    problem: Reason | None = None


@dataclass(frozen=True)
class PortfolioPage:
    rows: tuple[PortfolioRow, ...]
    #: how many programmes match the query
    total: int
    page: int
    pages: int
    query: PortfolioQuery
    states: tuple[tuple[str, str], ...]
    definitions: tuple[str, ...]
    #: how many programmes the person may see, whatever the query (``visible - total`` are hidden by it)
    visible: int = 0
    dashboard: Dashboard | None = None
    #: each state id with its title, for the dashboard's stages and lists
    titles: Mapping[str, str] = field(default_factory=dict)

    @property
    def hidden(self) -> int:
        """How many programmes the person may see that the search and filters leave out."""
        return max(self.visible - self.total, 0)


@dataclass(frozen=True)
class LifecycleInUse:
    """A stored lifecycle version that programmes run on (see :meth:`Portfolio.lifecycles_in_use`)."""

    definition_id: str
    version: int
    title: str
    programmes: int
    #: The version its file in the definitions folder has now; None: no file defines it (removed, or wrong).
    file_version: int | None
    #: Why its stored text cannot be read, or None.
    problem: Reason | None


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
    #: why not ready: the gate's unmet requirements
    waiting_on: tuple[Reason, ...]


@dataclass(frozen=True)
class MyWork:
    """One page of each of the person's two lists (the longest-waiting sign-off first; gates by name)."""

    sign_offs: tuple[DueSignOff, ...]
    managed: tuple[ReadyGate, ...]
    sign_offs_paged: Paged
    managed_paged: Paged
