"""People's accounts: passwords (argon2), rate-limited sign-in, and single-use invitations.

No Flask here: the web UI calls these, and so could an API or the command line.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.metadata import entry_points

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from ..engine.db import Database
from ..engine.errors import BannsError, InvalidError, NotFoundError
from ..engine.models import Person
from ..engine.permissions import Actor
from .models import Invitation, SignInAttempt

MIN_PASSWORD = 12
MAX_PASSWORD = 128
INVITATION_DAYS = 7
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_IP = 30

_hasher = PasswordHasher()
# Verifying against this keeps the time of a wrong email the same as a wrong password.
_DUMMY_HASH = _hasher.hash("banns-dummy-password-for-timing")


#: ``mailer(session, person, link, now, *, programme_id, inviter)`` queues an account email (an invitation)
#: in the caller's transaction. Installed through the ``banns.account_mail`` entry point group, so that
#: accounts know no outbox: the reminders package registers ``invitation``.
AccountMailer = Callable[..., None]


def default_mailers() -> dict[str, AccountMailer]:
    """The account mailers installed by packages, by name."""
    return {ep.name: ep.load() for ep in entry_points(group="banns.account_mail")}


class SignInError(BannsError):
    """The email or password is wrong, or too many attempts were made; says which in safe words."""


class InvitationError(BannsError):
    """An invitation link that is unknown, used or expired."""


@dataclass(frozen=True)
class PersonSummary:
    id: int
    name: str
    email: str
    is_admin: bool
    has_password: bool


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why ``password`` is not acceptable, or ``None``: length, then common or guessable passwords."""
    if len(password) < MIN_PASSWORD:
        return f"Password must be at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"Password must be {MAX_PASSWORD} characters or fewer"
    if zxcvbn(password[:64], user_inputs=_personal_words(email, name))["score"] < 3:
        return "Password is too common or easy to guess; try a few unrelated words together"
    return None


def _personal_words(email: str, name: str) -> list[str]:
    """What a guesser knows about the person: their name (also run together, as in ``tomhardy``), and the
    parts of their email address (``tom.hardy``, ``tom``, ``northbridge``)."""
    local, _, domain = email.lower().partition("@")
    names = name.lower().split()
    parts = [p for p in re.split(r"[._+-]", local) if p]
    words = [email.lower(), local, domain, *names, "".join(names), "".join(parts), *parts, *domain.split(".")]
    return list(dict.fromkeys(w for w in words if w))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


class Accounts:
    """Use cases on people and their sign-in."""

    def __init__(self, db: Database, mailers: Mapping[str, AccountMailer] | None = None) -> None:
        self.db = db
        self.mailers = dict(default_mailers() if mailers is None else mailers)

    def authenticate(self, email: str, password: str, ip: str, now: datetime) -> Actor:
        """Check an email and password, counting failures per email and per address.

        Raises:
            SignInError: wrong credentials (never says which), or too many recent failures.
        """
        email = email.strip().lower()
        with self.db.write() as session:
            since = now - WINDOW
            session.execute(delete(SignInAttempt).where(SignInAttempt.at < now - timedelta(days=1)))
            by_email = _failures(session, SignInAttempt.email == email, since)
            by_ip = _failures(session, SignInAttempt.ip == ip, since)
            if by_email >= MAX_FAILURES_PER_EMAIL or by_ip >= MAX_FAILURES_PER_IP:
                raise SignInError("Too many attempts to sign in. Wait 15 minutes, then try again.")
            person = session.scalar(select(Person).where(Person.email == email))
            ok = _verify(person.password_hash if person else None, password)
            session.add(SignInAttempt(email=email, ip=ip, at=now, succeeded=ok))
            if not ok or person is None:
                session.commit()
                raise SignInError("Enter a correct email address and password")
            if _hasher.check_needs_rehash(person.password_hash or ""):
                person.password_hash = hash_password(password)
            return Actor(person.id, person.name, person.is_admin)

    def actor(self, person_id: int) -> Actor | None:
        """The signed-in person, or ``None`` if they no longer exist."""
        with self.db.read() as session:
            person = session.get(Person, person_id)
            return Actor(person.id, person.name, person.is_admin) if person else None

    def password_stamp(self, person_id: int) -> str:
        """Changes when the password changes, so that old sessions end."""
        with self.db.read() as session:
            person = session.get(Person, person_id)
            return hashlib.sha256((person.password_hash or "").encode()).hexdigest()[:16] if person else ""

    def send_invitation(
        self,
        person_id: int,
        now: datetime,
        link_for: Callable[[str], str],
        *,
        programme_id: int | None = None,
        inviter: str = "A programme manager",
    ) -> None:
        """Create a single-use, expiring invitation and queue its email, in one transaction. Only a hash of
        the token is stored; ``link_for(token)`` builds the web address the email carries.

        Raises:
            NotFoundError: no such person.
        """
        with self.db.write() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFoundError(f"no person with id {person_id}")
            token = secrets.token_urlsafe(32)
            session.add(
                Invitation(
                    token_hash=_digest(token),
                    person_id=person_id,
                    programme_id=programme_id,
                    created_at=now,
                    expires_at=now + timedelta(days=INVITATION_DAYS),
                )
            )
            mailer = self.mailers.get("invitation")
            if mailer is None:
                raise BannsError("no mail channel is installed to send invitations (the banns.account_mail hook)")
            mailer(session, person, link_for(token), now, programme_id=programme_id, inviter=inviter)

    def invitation_for(self, token: str, now: datetime) -> PersonSummary:
        """The person an invitation is for, if it can still be used.

        Raises:
            InvitationError: unknown, used or expired.
        """
        with self.db.read() as session:
            invitation = _usable(session, token, now)
            return _summary(session.get(Person, invitation.person_id))

    def accept_invitation(self, token: str, password: str, now: datetime) -> Actor:
        """Set the invited person's password and use up the invitation.

        Raises:
            InvitationError: unknown, used or expired. InvalidError: the password is not acceptable.
        """
        with self.db.write() as session:
            invitation = _usable(session, token, now, lock=True)
            person = session.get(Person, invitation.person_id)
            assert person is not None
            problem = password_problem(password, email=person.email, name=person.name)
            if problem:
                raise InvalidError(problem, field="password")
            person.password_hash = hash_password(password)
            invitation.used_at = now
            return Actor(person.id, person.name, person.is_admin)

    def person(self, person_id: int) -> PersonSummary:
        """Raises: NotFoundError."""
        with self.db.read() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFoundError(f"no person with id {person_id}")
            return _summary(person)

    def people(self) -> list[PersonSummary]:
        with self.db.read() as session:
            return [_summary(p) for p in session.scalars(select(Person).order_by(Person.name))]

    def add_person(
        self, name: str, email: str, now: datetime, *, is_admin: bool = False, password: str | None = None
    ) -> PersonSummary:
        """Add a person (an account without a password until they accept an invitation).

        Raises:
            InvalidError: missing name, bad or taken email, or an unacceptable password.
        """
        name, email = name.strip(), email.strip().lower()
        if not name:
            raise InvalidError("Enter the person's name", field="name")
        if "@" not in email or "." not in email.split("@")[-1]:
            raise InvalidError("Enter an email address in the correct format, like name@example.org", field="email")
        if password is not None and (problem := password_problem(password, email=email, name=name)):
            raise InvalidError(problem, field="password")
        with self.db.write() as session:
            if session.scalar(select(Person.id).where(Person.email == email)) is not None:
                raise InvalidError(f"{email} already has an account", field="email")
            person = Person(
                name=name,
                email=email,
                is_admin=is_admin,
                created_at=now,
                password_hash=hash_password(password) if password else None,
            )
            session.add(person)
            session.flush()
            return _summary(person)

    def set_password_for_development(self, email: str, password: str) -> None:
        """Give an existing person a password directly. Only ``banns dev sample`` calls this."""
        with self.db.write() as session:
            person = session.scalar(select(Person).where(Person.email == email.lower()))
            if person is None:
                raise NotFoundError(f"nobody has the email address '{email}'")
            person.password_hash = hash_password(password)

    def set_admin(self, person_id: int, is_admin: bool) -> PersonSummary:
        with self.db.write() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFoundError(f"no person with id {person_id}")
            person.is_admin = is_admin
            return _summary(person)


def _failures(session: Session, where: ColumnElement[bool], since: datetime) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(SignInAttempt)
            .where(where, SignInAttempt.at >= since, SignInAttempt.succeeded.is_(False))
        )
        or 0
    )


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _usable(session: Session, token: str, now: datetime, lock: bool = False) -> Invitation:
    stmt = select(Invitation).where(Invitation.token_hash == _digest(token))
    invitation = session.scalar(stmt.with_for_update() if lock else stmt)
    if invitation is None:
        raise InvitationError("This link is not valid. Check you copied the whole link from the email.")
    if invitation.used_at is not None:
        raise InvitationError("This link has already been used. Sign in with your email address and password.")
    if invitation.expires_at <= now:
        raise InvitationError("This link has expired. Ask your programme manager to invite you again.")
    return invitation


def _summary(person: Person | None) -> PersonSummary:
    assert person is not None
    return PersonSummary(person.id, person.name, person.email, person.is_admin, person.password_hash is not None)
