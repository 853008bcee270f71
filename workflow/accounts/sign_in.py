"""Signing in (rate-limited: :mod:`.limits`), server-side sessions (:mod:`.sessions`), and what a signed-in
person does to their own access: change their password, sign out everywhere."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..engine.errors import N_, NotFoundError
from ..engine.models import Person
from ..engine.permissions import Actor
from . import limits, sessions
from .base import AccountsBase, actor_of, log
from .errors import AccountInputError, SignInError
from .passwords import hash_password, needs_rehash, password_problem, verify_password


class SignInUseCases(AccountsBase):
    def authenticate(self, email: str, password: str, ip: str, now: datetime, *, device: str | None = None) -> Actor:
        """Check an email and password within the limits of :mod:`.limits`. ``device``: the id of a browser
        known to have signed in to this email before (the web's device cookie), or ``None``.

        Raises:
            SignInError: ``wrong`` (email or password, never which) or ``limited`` (with when it lifts).
        """
        email = email.strip().lower()
        keys = limits.sign_in_keys(email, ip, device)
        with self.db.write() as session:
            charges, until = limits.charge(session, keys, now)
            if until is not None:
                raise SignInError("limited", until)  # rolled back: an attempt refused by a limit is not counted
            stored = session.scalar(select(Person.password_hash).where(Person.email == email))
        if not verify_password(stored, password):
            raise SignInError("wrong")
        with self.db.write() as session:
            person = session.scalar(select(Person).where(Person.email == email))
            if person is None or person.password_hash != stored:
                raise SignInError("wrong")  # the password changed while it was being checked
            if person.deactivated_at is not None:
                raise SignInError("deactivated")  # told only to someone who knows the password
            limits.refund(session, charges)
            limits.clear(session, [k for k in keys if k.scope in limits.OWN_SCOPES])
            limits.purge(session, now)
            if stored and needs_rehash(stored):
                person.password_hash = hash_password(password)
            return actor_of(person)

    def start_session(self, person_id: int, now: datetime) -> str:
        """Start a server-side session; returns its secret id, for the signed cookie only."""
        with self.db.write() as session:
            return sessions.open_session(session, person_id, now)

    def session_actor(self, secret: str, now: datetime, *, idle: timedelta = sessions.IDLE) -> Actor | None:
        """The person signed in by the session with this secret, or ``None`` if it is unknown, revoked, idle
        longer than ``idle`` or older than :data:`.sessions.MAX_AGE`. One query; its last-seen time is written
        at most every few minutes."""
        with self.db.read() as session:
            found = sessions.find(session, secret, now, idle)
        if found is None:
            return None
        if found.stale:
            with self.db.write() as session:
                sessions.touch(session, found.session_id, now)
        return found.actor

    def end_session(self, secret: str, now: datetime) -> None:
        """Sign out: the session ends on the server, so a copy of its cookie no longer works."""
        with self.db.write() as session:
            sessions.revoke(session, secret, now)

    def live_sessions(self, person_id: int, now: datetime, *, idle: timedelta = sessions.IDLE) -> int:
        """How many browsers the person is signed in on now."""
        with self.db.read() as session:
            return sessions.live_count(session, person_id, now, idle)

    def sign_out_everywhere(self, person_id: int, now: datetime, *, actor: Actor) -> int:
        """End every session of the person (the one in use too), logged with its actor; returns how many.

        Raises:
            NotFoundError: no such person.
        """
        with self.db.write() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFoundError(N_("no person with id {person_id}"), person_id=person_id)
            ended = sessions.revoke_all(session, person_id, now)
            log(session, actor, "signed_out_everywhere", now, person_id=person_id, person=person.name, ended=ended)
            return ended

    def change_password(self, person_id: int, current: str, new: str, now: datetime, *, keep: str | None) -> int:
        """The person changes their own password: ``current`` must be right (5 wrong ones in 15 minutes and
        the form refuses for the rest of that window), ``new`` must pass :func:`.password_problem`. Every other
        session ends (``keep``: the secret of the one in use). Returns how many ended.

        Raises:
            AccountInputError: ``password_weak`` (``new_password``), ``password_wrong`` or
                ``password_limited`` (``current_password``). NotFoundError: no such person.
        """
        with self.db.read() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFoundError(N_("no person with id {person_id}"), person_id=person_id)
            email, name, stored = person.email, person.name, person.password_hash
        if problem := password_problem(new, email=email, name=name):
            raise AccountInputError("password_weak", "new_password", problem.message, **problem.values)
        charges = self._charge_change(email, now)
        if not verify_password(stored, current):
            raise AccountInputError("password_wrong", "current_password", N_("the current password is not right"))
        with self.db.write() as session:
            person = session.get(Person, person_id, with_for_update=True)
            if person is None or person.password_hash != stored:
                raise AccountInputError("password_wrong", "current_password", N_("the password changed meanwhile"))
            limits.refund(session, charges)
            person.password_hash = hash_password(new)
            ended = sessions.revoke_all(session, person_id, now, keep=keep)
            log(session, actor_of(person), "password_changed", now, person_id=person_id, ended=ended)
            return ended

    def _charge_change(self, email: str, now: datetime) -> list[limits.Charge]:
        """Count a try of the current password in advance (refunded if right).

        Raises:
            AccountInputError: ``password_limited``, too many wrong tries in the window.
        """
        with self.db.write() as session:
            charges, until = limits.charge(session, [limits.key("change", limits.CHANGE_LIMIT, email)], now)
            if until is not None:
                raise AccountInputError("password_limited", "current_password", N_("too many wrong passwords"))
            return charges
