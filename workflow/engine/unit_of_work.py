"""How every change to a programme is made: lock and load it, check the actor may act and saw the current
version, let the caller change it, write exactly one event (listeners see it in the same transaction),
commit; concurrency failures become :class:`~workflow.engine.errors.ConflictError`. The use cases in
:mod:`workflow.engine.programmes` are built on this.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import entry_points
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from .audit import seal
from .db import Database
from .definitions import Definition
from .errors import N_, ConflictError, InvalidError, NotAllowedError, NotFoundError
from .models import Event, Person, Programme
from .permissions import REFUSED, REFUSED_OTHER, Actor, may
from .registry import Registry
from .text import LARGEST_ID
from .view_builder import build_view
from .views import ProgrammeView

logger = logging.getLogger("banns.programmes")
Clock = Callable[[], datetime]
#: Called inside the transaction of every change, after its event is built and before it is written:
#: ``listener(session, programme, definition, event)``. A listener may add rows (the outbox adds emails)
#: or enrich ``event.data``; an exception aborts the whole change.
Listener = Callable[[Session, Programme, Definition, Event], None]


def default_listeners() -> list[Listener]:
    """Listeners installed by packages through the ``banns.listeners`` entry point group."""
    return [ep.load() for ep in sorted(entry_points(group="banns.listeners"), key=lambda ep: ep.name)]


# Built once, bound per call. A change locks the programme and loads what gates, permissions and listeners
# read: its partners (joined) and roles with their people; a use case that edits the plan loads it lazily.
# A read loads the plan too, for the view.
_LOAD_LOCKED = (
    select(Programme)
    .where(Programme.id == bindparam("pid"))
    .options(joinedload(Programme.partners), selectinload(Programme.roles))
    .with_for_update(of=Programme)
)
_LOAD = (
    select(Programme)
    .where(Programme.id == bindparam("pid"))
    .options(joinedload(Programme.partners), selectinload(Programme.roles), selectinload(Programme.plans))
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class ProgrammeChanges:
    """The transaction mechanics shared by every use case on a programme."""

    def __init__(
        self, db: Database, registry: Registry, clock: Clock = utcnow, listeners: Sequence[Listener] | None = None
    ) -> None:
        self.db = db
        self.registry = registry
        self.clock = clock
        self._listeners = None if listeners is None else list(listeners)

    @property
    def listeners(self) -> list[Listener]:
        """What runs on each event: the installed plug-ins' listeners unless given, loaded on first use (a
        command that only reads never imports them)."""
        if self._listeners is None:
            self._listeners = default_listeners()
        return self._listeners

    # --- the unit of work ------------------------------------------------------------------------------

    @contextmanager
    def _unit(self, programme_id: int | None) -> Iterator[Session]:
        """A write transaction whose concurrency failures become :class:`ConflictError`."""
        try:
            with self.db.write() as session:
                yield session
        except StaleDataError:
            raise ConflictError(programme_id or 0) from None
        except IntegrityError as exc:
            if programme_id is not None and "events" in str(exc.orig).lower():
                raise ConflictError(programme_id) from None
            logger.warning("integrity error on programme %s: %s", programme_id, exc.orig)
            raise InvalidError(
                N_(
                    "the change conflicts with data saved meanwhile (a name already taken, or someone else's change); "
                    "reload and try again"
                )
            ) from None
        except OperationalError as exc:
            if any(word in str(exc.orig).lower() for word in ("locked", "could not serialize", "deadlock detected")):
                raise ConflictError(
                    programme_id or 0, N_("the database was busy with another change; nothing was saved. Try again.")
                ) from None
            raise

    def _load(self, session: Session, programme_id: int, *, lock: bool) -> tuple[Programme, Definition]:
        if not 0 < programme_id <= LARGEST_ID:  # the database's integer could not hold it: surely not found
            raise NotFoundError(N_("no programme with id {programme_id}"), programme_id=programme_id)
        stmt = _LOAD_LOCKED if lock else _LOAD
        programme = session.scalars(stmt, {"pid": programme_id}).unique().one_or_none()
        if programme is None:
            raise NotFoundError(N_("no programme with id {programme_id}"), programme_id=programme_id)
        return programme, self.registry.pinned(session, programme.definition_hash)

    def _begin(
        self, session: Session, programme_id: int, actor: Actor, action: str | None, expected_version: int | None
    ) -> tuple[Programme, Definition]:
        programme, definition = self._load(session, programme_id, lock=True)
        if action is not None:
            self._authorise(programme, actor, action)
        if expected_version is not None and programme.version_id != expected_version:
            raise ConflictError(programme_id)
        return programme, definition

    def _changed(self, session: Session, programme: Programme) -> ProgrammeView:
        """What a change returns, inside its unit of work: written (the version moves on), the rest of its
        view built only if the caller reads it, as it is at this moment (:meth:`ProgrammeView.on_demand`)."""
        session.flush()
        programme_id, now = programme.id, self.clock()
        return ProgrammeView.on_demand(
            programme_id, programme.version_id, programme.state, lambda: self._view_at(programme_id, now)
        )

    def _view_at(self, programme_id: int, now: datetime) -> ProgrammeView:
        """The programme's view at ``now``, read in a transaction of its own."""
        try:
            with self.db.read() as session:
                programme, definition = self._load(session, programme_id, lock=False)
                return build_view(session, programme, definition, now=now)
        finally:
            if self.db.disposed:  # read after the database was closed: leave no connection open
                self.db.engine.dispose()

    def _authorise(self, programme: Programme, actor: Actor, action: str) -> None:
        held = [r.role for r in programme.roles if r.person_id == actor.person_id]
        if not may(actor, action, held):
            raise NotAllowedError(
                REFUSED.get(action, REFUSED_OTHER), actor=actor.name, action=action, programme_id=programme.id
            )

    def _enter(self, programme: Programme, state: str) -> None:
        programme.state = state
        programme.stage_entered_at = self.clock()
        programme.stage_visit += 1
        programme.sign_off_round = 0
        programme.sign_off_subject = None
        programme.sign_off_requested_at = None

    def _log(
        self,
        session: Session,
        programme: Programme,
        actor: Actor,
        kind: str,
        from_state: str | None,
        to_state: str | None,
        reason: str,
        **data: Any,
    ) -> Event:
        now = self.clock()
        programme.last_seq += 1
        programme.updated_at = now
        event = Event(
            programme_id=programme.id,
            seq=programme.last_seq,
            at=now,
            actor_id=actor.person_id,
            actor=actor.name,
            kind=kind,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data,
        )
        if self.listeners:
            definition = self.registry.pinned(session, programme.definition_hash)
            for listener in self.listeners:
                listener(session, programme, definition, event)
        programme.log_head = seal(event, programme.log_head)  # after listeners: they may enrich its data
        session.add(event)
        return event

    # --- changes made by plug-ins ----------------------------------------------------------------------

    @contextmanager
    def change(
        self,
        programme_id: int,
        actor: Actor,
        action: str,
        kind: str,
        reason: str = "",
        *,
        figures: bool = False,
        expected_version: int | None = None,
        **data: Any,
    ) -> Iterator[Change]:
        """A change a plug-in makes to a programme (money figures), through the same unit of work as the
        engine's own: lock and load, authorise ``action``, check the version, let the caller write, then log
        one ``kind`` event with its actor (listeners see it) and commit. ``figures``: the change touches the
        figures gates check, so an open request on a gate that checks them closes (everyone is asked again).
        The caller may add to ``Change.data`` what it learns while writing.

        Raises:
            NotFoundError, NotAllowedError, ConflictError, and whatever the caller raises (nothing is saved).
        """
        with self._unit(programme_id) as session:
            programme, definition = self._begin(session, programme_id, actor, action, expected_version)
            change = Change(session, programme, definition, dict(data))
            yield change
            session.flush()
            if figures:
                change.data.update(_reopen_if_figures_checked(programme, definition))
            self._log(session, programme, actor, kind, None, None, reason, **change.data)

    def _person(self, session: Session, name: str, email: str, now: datetime) -> Person:
        email = email.lower()
        person = session.scalar(select(Person).where(Person.email == email))
        if person is None:
            person = Person(name=name, email=email, is_admin=False, created_at=now)
            session.add(person)
            session.flush()
        return person


@dataclass
class Change:
    """What a plug-in's change works on, inside the unit of work (:meth:`ProgrammeChanges.change`)."""

    session: Session
    programme: Programme
    definition: Definition
    data: dict[str, Any] = field(default_factory=dict)


def _reopen_if_figures_checked(programme: Programme, definition: Definition) -> dict[str, Any]:
    """If the current gate checks figures, approvals given on the old figures no longer count: as with changed
    evidence, the evidence revision moves on and an open request closes."""
    gate = definition.gates.get(programme.state)
    if gate is None or not any(c.figures for c in gate.criteria):
        return {}
    programme.evidence_rev += 1
    closed = programme.sign_off_subject is not None
    programme.sign_off_subject = None
    return {"evidence_rev": programme.evidence_rev, "request_closed": closed}
