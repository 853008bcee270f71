"""Setting a password through an emailed single-use link (:mod:`.links`): an invitation to a new account, or
a reset of a forgotten password. Asking for a reset says nothing about whether the email has an account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from ..engine.errors import N_, NotFoundError
from ..engine.models import Person
from ..engine.permissions import Actor
from . import limits, links, sessions
from .base import AccountsBase, PersonSummary, actor_of, log, summary
from .errors import AccountInputError
from .models import INVITATION, PASSWORD_RESET
from .passwords import hash_password, password_problem


class _Refused(Exception):
    """A reset request over its limit: rolled back and, like any other, answered with silence."""


class InvitationUseCases(AccountsBase):
    def send_invitation(
        self,
        person_id: int,
        now: datetime,
        link_for: Callable[[str], str],
        *,
        programme_id: int | None = None,
        inviter: str | None = None,
    ) -> None:
        """Create a single-use, expiring invitation and queue its email, in one transaction. Only a hash of
        the token is stored; ``link_for(token)`` builds the web address the email carries.

        Raises:
            NotFoundError: no such person. MailChannelMissingError: no ``invitation`` mailer is installed.
        """
        mailer = self.mailer(INVITATION)
        with self.db.write() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFoundError(N_("no person with id {person_id}"), person_id=person_id)
            token = links.issue(session, person_id, INVITATION, now, programme_id)
            mailer(session, person, link_for(token), now, programme_id=programme_id, inviter=inviter)

    def invitation_for(self, token: str, now: datetime) -> PersonSummary:
        """The person an invitation is for, if it can still be used.

        Raises:
            InvitationError: unknown, used or expired.
        """
        return self._link_person(token, INVITATION, now)

    def accept_invitation(self, token: str, password: str, now: datetime) -> Actor:
        """Set the invited person's password, use up their links and end any sessions they had; logged with
        the person as their own actor.

        Raises:
            InvitationError: unknown, used or expired. AccountInputError: ``password_weak`` (``password``).
        """
        return self._set_password(token, INVITATION, password, now, "invitation_accepted")

    def request_password_reset(self, email: str, ip: str, now: datetime, link_for: Callable[[str], str]) -> None:
        """Email a single-use link (an hour) to reset the password, if ``email`` has an account; otherwise, or
        past 3 requests for the email or 20 from the address in 15 minutes, do nothing. The caller learns
        nothing either way.

        Raises:
            MailChannelMissingError: no ``password_reset`` mailer is installed (whatever the email).
        """
        mailer = self.mailer(PASSWORD_RESET)
        email = email.strip().lower()
        keys = [
            limits.key("reset", limits.RESET_EMAIL_LIMIT, email),
            limits.key("reset_address", limits.RESET_ADDRESS_LIMIT, other=ip),
        ]
        try:
            with self.db.write() as session:
                if limits.charge(session, keys, now)[1] is not None:
                    raise _Refused
                person = session.scalar(select(Person).where(Person.email == email))
                if person is not None and person.deactivated_at is None:
                    token = links.issue(session, person.id, PASSWORD_RESET, now)
                    mailer(session, person, link_for(token), now, expires_at=now + links.LIFETIME[PASSWORD_RESET])
        except _Refused:
            return

    def reset_for(self, token: str, now: datetime) -> PersonSummary:
        """The person a password reset link is for, if it can still be used.

        Raises:
            InvitationError: unknown, used or expired.
        """
        return self._link_person(token, PASSWORD_RESET, now)

    def reset_password(self, token: str, password: str, now: datetime) -> Actor:
        """Set a new password through a reset link: uses up the person's links, ends all their sessions and
        clears every sign-in limit of their email (so that a stranger's failures keep them out no longer).

        Raises:
            InvitationError: unknown, used or expired. AccountInputError: ``password_weak`` (``password``).
        """
        return self._set_password(token, PASSWORD_RESET, password, now, "password_reset")

    def _link_person(self, token: str, purpose: str, now: datetime) -> PersonSummary:
        with self.db.read() as session:
            link = links.usable(session, token, purpose, now)
            return summary(session.get(Person, link.person_id))

    def _set_password(self, token: str, purpose: str, password: str, now: datetime, kind: str) -> Actor:
        with self.db.write() as session:
            link = links.usable(session, token, purpose, now, lock=True)
            person = session.get(Person, link.person_id)
            assert person is not None
            if problem := password_problem(password, email=person.email, name=person.name):
                raise AccountInputError("password_weak", "password", problem.message, **problem.values)
            person.password_hash = hash_password(password)
            links.use_up(session, person.id, now)
            ended = sessions.revoke_all(session, person.id, now)
            if purpose == PASSWORD_RESET:
                limits.clear_email(session, person.email)
            log(session, actor_of(person), kind, now, person_id=person.id, ended=ended)
            return actor_of(person)
