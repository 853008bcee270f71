"""People's accounts: passwords (argon2), rate-limited sign-in, server-side sessions, single-use links to set a
password (invitations, resets), personal API tokens, and admin rights. Every change to an account is an event
on the site's log, with its actor, in the same transaction.

No Flask here: the web UI calls these, and so could an API or the command line. The use cases live by what
they own: signing in and sessions (:mod:`.sign_in`), single sign-on (:mod:`.sso`), links (:mod:`.invitations`),
API tokens (:mod:`.tokens`), the API's idempotency keys (:mod:`.idempotency`), people (here).
"""

from __future__ import annotations

from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from ..engine.errors import N_, NotAllowedError, NotFoundError
from ..engine.models import Person
from ..engine.permissions import SYSTEM, Actor
from . import sessions
from .base import AccountMailer, PersonSummary, actor_of, default_mailers, log, summary
from .deactivation import DeactivationUseCases, active_admins
from .errors import AccountInputError, InvitationError, MailChannelMissingError, SignInError
from .idempotency import IdempotencyUseCases
from .invitations import InvitationUseCases
from .passwords import MAX_PASSWORD, MIN_PASSWORD, hash_password, password_problem
from .sign_in import SignInUseCases
from .sso import SsoUseCases
from .tokens import TokenUseCases

#: The languages a person may choose: English and Welsh (the Welsh Language Standards).
LANGUAGES = ("en", "cy")


def normalise_email(email: str) -> str:
    """The address as stored: checked with email-validator (syntax only, no DNS), in lower case.

    Raises:
        AccountInputError: ``email_invalid`` (``email``).
    """
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountInputError(
            "email_invalid",
            "email",
            N_("'{email}' is not a valid email address: {detail}"),
            email=email,
            detail=str(exc),
        ) from None


class Accounts(
    SignInUseCases, SsoUseCases, InvitationUseCases, DeactivationUseCases, TokenUseCases, IdempotencyUseCases
):
    """Use cases on people and their sign-in."""

    def actor(self, person_id: int) -> Actor | None:
        """The person as an actor, or ``None`` if they no longer exist."""
        with self.db.read() as session:
            person = session.get(Person, person_id)
            return actor_of(person) if person else None

    def person(self, person_id: int) -> PersonSummary:
        """Raises: NotFoundError."""
        with self.db.read() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFoundError(N_("no person with id {person_id}"), person_id=person_id)
            return summary(person)

    def people(self) -> list[PersonSummary]:
        """Everyone with an account, by name."""
        with self.db.read() as session:
            return [summary(p) for p in session.scalars(select(Person).order_by(Person.name))]

    def add_person(
        self,
        name: str,
        email: str,
        now: datetime,
        *,
        is_admin: bool = False,
        password: str | None = None,
        actor: Actor = SYSTEM,
    ) -> PersonSummary:
        """Add a person (an account without a password until they accept an invitation), logged with
        ``actor``.

        Raises:
            AccountInputError: ``name_missing`` (``name``), ``email_invalid`` or ``email_taken`` (``email``),
                ``password_weak`` (``password``).
        """
        name = name.strip()
        if not name:
            raise AccountInputError("name_missing", "name", N_("the person's name is missing"))
        email = normalise_email(email)
        if password is not None and (problem := password_problem(password, email=email, name=name)):
            raise AccountInputError("password_weak", "password", problem.message, **problem.values)
        with self.db.write() as session:
            if session.scalar(select(Person.id).where(Person.email == email)) is not None:
                raise AccountInputError("email_taken", "email", N_("{email} already has an account"), email=email)
            person = Person(
                name=name,
                email=email,
                is_admin=is_admin,
                created_at=now,
                password_hash=hash_password(password) if password else None,
            )
            session.add(person)
            session.flush()
            log(session, actor, "person_added", now, person_id=person.id, person=name, is_admin=is_admin)
            return summary(person)

    def set_admin(self, person_id: int, is_admin: bool, now: datetime, *, actor: Actor = SYSTEM) -> PersonSummary:
        """Grant or remove a person's admin right, logged with ``actor``; nothing changes (or is logged) if they
        already have it so. The last admin keeps theirs.

        Raises:
            NotFoundError: no such person. AccountInputError: ``last_admin`` (``is_admin``).
        """
        with self.db.write() as session:
            admins = None if is_admin else active_admins(session)
            person = session.get(Person, person_id, with_for_update=True)
            if person is None:
                raise NotFoundError(N_("no person with id {person_id}"), person_id=person_id)
            if person.is_admin == is_admin:
                return summary(person)
            if admins is not None and admins <= 1:
                raise AccountInputError("last_admin", "is_admin", N_("the last admin cannot lose the admin right"))
            person.is_admin = is_admin
            kind = "admin_granted" if is_admin else "admin_removed"
            log(session, actor, kind, now, person_id=person.id, person=person.name)
            return summary(person)

    def set_language(self, person_id: int, language: str, now: datetime, *, actor: Actor) -> PersonSummary:
        """Remember the language a person reads banns in (one of :data:`LANGUAGES`), logged as
        ``language_set``; nothing changes (or is logged) if it is theirs already. A person sets their own;
        an admin may set anyone's.

        Raises:
            AccountInputError: ``language_unknown`` (``language``). NotAllowedError: the actor is someone
                else and not an admin. NotFoundError: no such person.
        """
        if language not in LANGUAGES:
            raise AccountInputError(
                "language_unknown", "language", N_("'{language}' is not a language banns offers"), language=language
            )
        if actor.person_id != person_id and not actor.is_admin:
            raise NotAllowedError(N_("{actor} may not choose another person's language"), actor=actor.name)
        with self.db.write() as session:
            person = session.get(Person, person_id, with_for_update=True)
            if person is None:
                raise NotFoundError(N_("no person with id {person_id}"), person_id=person_id)
            if person.language != language:
                before, person.language = person.language, language
                log(
                    session,
                    actor,
                    "language_set",
                    now,
                    person_id=person.id,
                    person=person.name,
                    language=language,
                    before=before,
                )
            return summary(person)

    def set_password_for_development(self, email: str, password: str) -> None:
        """Give an existing person a password directly (ending their sessions). Only ``banns dev sample`` and
        tests call this."""
        with self.db.write() as session:
            person = session.scalar(select(Person).where(Person.email == email.lower()))
            if person is None:
                raise NotFoundError(N_("nobody has the email address '{email}'"), email=email)
            person.password_hash = hash_password(password)
            sessions.revoke_all(session, person.id, self.clock())


__all__ = [
    "LANGUAGES",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "AccountInputError",
    "AccountMailer",
    "Accounts",
    "InvitationError",
    "MailChannelMissingError",
    "PersonSummary",
    "SignInError",
    "default_mailers",
    "hash_password",
    "normalise_email",
    "password_problem",
]
