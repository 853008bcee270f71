"""How the money's use cases read and change a programme: reads check ``view``; every change goes through the
engine's unit of work (:meth:`~workflow.engine.unit_of_work.ProgrammeChanges.change`), one transaction and one
event with its actor, so there is no second write path."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from ..engine.db import Database
from ..engine.errors import N_, NotAllowedError
from ..engine.models import Programme
from ..engine.permissions import Actor, may
from ..engine.registry import Registry
from ..engine.unit_of_work import Change, Listener, ProgrammeChanges
from . import store

Clock = Callable[[], datetime]


class MoneyUnit:
    """The transaction mechanics shared by the money's use cases."""

    def __init__(
        self,
        db: Database,
        registry: Registry,
        clock: Clock = lambda: datetime.now(UTC),
        listeners: Sequence[Listener] | None = None,
    ) -> None:
        self.db = db
        self.registry = registry
        self.clock = clock
        #: Every change to the money goes through the engine's unit of work: one transaction, one event.
        self.changes = ProgrammeChanges(db, registry, clock, listeners)

    @contextmanager
    def _read(self, programme_id: int, actor: Actor) -> Iterator[tuple[Session, Programme]]:
        with self.db.read() as session:
            yield session, self._programme(session, programme_id, actor, "view")

    @contextmanager
    def _write(
        self,
        programme_id: int,
        actor: Actor,
        kind: str,
        reason: str = "",
        *,
        figures: bool = False,
        expected_version: int | None = None,
        **data: Any,
    ) -> Iterator[tuple[Session, Programme]]:
        """A change to the money through the engine's unit of work, logged as one ``kind`` event with its
        actor (``data``, and what the caller adds to it while writing); ``figures``: it changes what gates
        check, so their signatories are asked again."""
        with self.changes.change(
            programme_id, actor, "edit", kind, reason, figures=figures, expected_version=expected_version, **data
        ) as change:
            yield change.session, change.programme

    def _change(
        self, programme_id: int, actor: Actor, kind: str, reason: str = "", *, expected_version: int | None = None
    ) -> AbstractContextManager[Change]:
        """As :meth:`_write` for a change to the figures gates check, giving the caller the event's data to add
        to while it writes."""
        return self.changes.change(
            programme_id, actor, "edit", kind, reason, figures=True, expected_version=expected_version
        )

    def _programme(
        self, session: Session, programme_id: int, actor: Actor, action: str, lock: bool = False
    ) -> Programme:
        prog = store.programme(session, programme_id, lock=lock)
        held = [r.role for r in prog.roles if r.person_id == actor.person_id]
        if not may(actor, action, held):
            message = (
                N_("{person} may not view the figures of programme {programme_id}")
                if action == "view"
                else N_("{person} may not edit the figures of programme {programme_id}")
            )
            raise NotAllowedError(message, person=actor.name, programme_id=programme_id)
        return prog
