"""What the accounts' use cases share: the database, the mail channels, the clock, and plain data out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import entry_points

from sqlalchemy.orm import Session

from ..engine.audit import log_site_event
from ..engine.db import Database
from ..engine.models import Person
from ..engine.permissions import Actor
from .errors import MailChannelMissingError

#: ``mailer(session, person, link, now, **details)`` queues an account email (an invitation, a password reset)
#: in the caller's transaction. Installed through the ``banns.account_mail`` entry point group, so that
#: accounts know no outbox: the reminders package registers ``invitation`` (and ``password_reset``).
AccountMailer = Callable[..., None]
Clock = Callable[[], datetime]


def default_mailers() -> dict[str, AccountMailer]:
    """The account mailers installed by packages, by name."""
    return {ep.name: ep.load() for ep in entry_points(group="banns.account_mail")}


def utc_now() -> datetime:
    """The real time, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class PersonSummary:
    id: int
    name: str
    email: str
    is_admin: bool
    has_password: bool
    #: when an admin deactivated the account (``None``: active)
    deactivated_at: datetime | None = None
    #: the language they chose ("en" or "cy"; ``None``: not chosen)
    language: str | None = None


def summary(person: Person | None) -> PersonSummary:
    """A person as plain data."""
    assert person is not None
    return PersonSummary(
        person.id,
        person.name,
        person.email,
        person.is_admin,
        person.password_hash is not None,
        person.deactivated_at,
        person.language,
    )


def actor_of(person: Person) -> Actor:
    """A person as the actor of a change (a person acting on themselves is their own actor)."""
    return Actor(person.id, person.name, person.is_admin)


def log(session: Session, actor: Actor, kind: str, now: datetime, **data: object) -> None:
    """An account change on the site's log, in the caller's transaction (never a password or a token)."""
    log_site_event(session, actor.person_id, actor.name, kind, now, "", **data)


class AccountsBase:
    """The state every accounts use case needs."""

    def __init__(
        self, db: Database, mailers: Mapping[str, AccountMailer] | None = None, clock: Clock | None = None
    ) -> None:
        self.db = db
        self.mailers = dict(default_mailers() if mailers is None else mailers)
        #: the time used where a caller gives none (the web sets the app's clock)
        self.clock: Clock = clock or utc_now

    def mailer(self, kind: str) -> AccountMailer:
        """The installed mailer for ``kind``.

        Raises:
            MailChannelMissingError: no package installs one.
        """
        found = self.mailers.get(kind)
        if found is None:
            raise MailChannelMissingError(kind)
        return found
