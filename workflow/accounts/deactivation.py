"""Deactivating a person's account (someone who has left) and reactivating it. A deactivated person cannot
sign in, their sessions end at once, and reminders no longer go to them; their roles and past decisions stay
on the programmes' logs. Admins only; an admin cannot deactivate themselves, nor the last active admin. Both
are events on the site's log with the admin as actor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..engine.errors import N_, NotAllowedError, NotFoundError
from ..engine.models import Person
from ..engine.permissions import Actor
from . import sessions
from .base import AccountsBase, PersonSummary, log, summary
from .errors import AccountInputError


class DeactivationUseCases(AccountsBase):
    def deactivate(self, person_id: int, now: datetime, *, actor: Actor) -> PersonSummary:
        """Deactivate the person and end their sessions, logged as ``person_deactivated`` (nothing changes, or
        is logged, if they are deactivated already).

        Raises:
            NotAllowedError: the actor is not an admin. NotFoundError: no such person.
            AccountInputError: ``deactivate_self`` or ``last_admin`` (``person``).
        """
        if not actor.is_admin:
            raise NotAllowedError(N_("{actor} may not deactivate accounts: only admins may"), actor=actor.name)
        if actor.person_id == person_id:
            raise AccountInputError("deactivate_self", "person", N_("an admin cannot deactivate their own account"))
        with self.db.write() as session:
            admins = active_admins(session)
            person = _locked(session, person_id)
            if person.deactivated_at is not None:
                return summary(person)
            if person.is_admin and admins <= 1:
                raise AccountInputError("last_admin", "person", N_("the last active admin cannot be deactivated"))
            person.deactivated_at, person.deactivated_by_id = now, actor.person_id
            ended = sessions.revoke_all(session, person.id, now)
            log(session, actor, "person_deactivated", now, person_id=person.id, person=person.name, ended=ended)
            return summary(person)

    def reactivate(self, person_id: int, now: datetime, *, actor: Actor) -> PersonSummary:
        """Let a deactivated person sign in again (with their password, as before), logged as
        ``person_reactivated``; nothing changes if they are active.

        Raises:
            NotAllowedError: the actor is not an admin. NotFoundError: no such person.
        """
        if not actor.is_admin:
            raise NotAllowedError(N_("{actor} may not reactivate accounts: only admins may"), actor=actor.name)
        with self.db.write() as session:
            person = _locked(session, person_id)
            if person.deactivated_at is None:
                return summary(person)
            person.deactivated_at, person.deactivated_by_id = None, None
            log(session, actor, "person_reactivated", now, person_id=person.id, person=person.name)
            return summary(person)


def active_admins(session: Session) -> int:
    """How many active admins there are, their rows locked in order of id (before anything else, so that two
    admins acting on each other at once wait for each other, never deadlock, and cannot leave none)."""
    stmt = (
        select(Person.id)
        .where(Person.is_admin.is_(True), Person.deactivated_at.is_(None))
        .order_by(Person.id)
        .with_for_update()
    )
    return len(session.scalars(stmt).all())


def _locked(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id, with_for_update=True)
    if person is None:
        raise NotFoundError(N_("no person with id {person_id}"), person_id=person_id)
    return person
