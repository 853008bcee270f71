"""Personal API tokens: a person's own keys for the JSON API, created and revoked on their account page or at
the command line, each with a name, a scope (``read`` or ``write``) and an expiry.

The secret is 32 random bytes from :mod:`secrets` (with a ``banns_`` prefix, so that secret scanners can spot
a leaked one), shown once and never stored: the table keeps its SHA-256. A fast unsalted hash is right here,
unlike for passwords: a 256-bit random secret cannot be guessed or looked up, so slowing each check down would
protect nothing. A token is found by its hash (an indexed lookup compares no secret byte by byte, so its
timing tells nothing about the secret).

Bad tokens count toward a limit per address in the sign-in limits' windows (:mod:`.limits`, scope
``token_address``): past :data:`.limits.TOKEN_ADDRESS_LIMIT` in 15 minutes, every token from that address is
refused until the window closes. Only failures are charged (after the fact): no guess can succeed, so the
limit only has to stop a client hammering the database, and good requests stay free of writes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..engine.errors import N_, NotAllowedError, NotFoundError
from ..engine.models import Person
from ..engine.permissions import Actor
from . import limits
from .base import AccountsBase, actor_of, log
from .errors import AccountInputError, TokenError, TokenReason
from .models import TOKEN_SCOPES, ApiToken

PREFIX = "banns_"
#: a token lives this long unless its owner says otherwise, and at most :data:`MAX_DAYS`
DEFAULT_DAYS = 90
MAX_DAYS = 366
MAX_NAME = 100
#: last-use times are written at most this often, so that most requests only read
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class TokenSummary:
    """A token as its owner sees it (never its secret)."""

    id: int
    person_id: int
    name: str
    scope: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    def status(self, now: datetime) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at is not None and self.expires_at <= now else "active"


@dataclass(frozen=True)
class NewToken:
    """A token just created: ``secret`` is shown to its owner this once."""

    token: TokenSummary
    secret: str


@dataclass(frozen=True)
class TokenUse:
    """Who a valid token acts for, and what it may do."""

    actor: Actor
    scope: str
    token_id: int

    @property
    def may_write(self) -> bool:
        return self.scope == "write"


def digest(secret: str) -> str:
    """What is stored of a token: the SHA-256 of its secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _summary(row: ApiToken) -> TokenSummary:
    return TokenSummary(
        row.id, row.person_id, row.name, row.scope, row.created_at, row.expires_at, row.last_used_at, row.revoked_at
    )


def _checked(name: str, scope: str, days: int | None) -> tuple[str, str, int]:
    """The name, scope and lifetime as stored.

    Raises:
        AccountInputError: ``token_name_long`` (``name``), ``token_scope`` (``scope``), ``token_expiry``
            (``expires``).
    """
    name = " ".join(name.split()) or "API token"
    if len(name) > MAX_NAME:
        raise AccountInputError(
            "token_name_long", "name", N_("a token's name has at most {maximum} characters"), maximum=MAX_NAME
        )
    if scope not in TOKEN_SCOPES:
        raise AccountInputError("token_scope", "scope", N_("a token's scope is 'read' or 'write'"))
    days = DEFAULT_DAYS if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise AccountInputError(
            "token_expiry", "expires", N_("a token lasts from 1 to {maximum} days"), maximum=MAX_DAYS
        )
    return name, scope, days


class TokenUseCases(AccountsBase):
    def create_token(
        self, person_id: int, name: str, scope: str, now: datetime, *, days: int | None = None, actor: Actor
    ) -> NewToken:
        """A new token for the person, expiring in ``days`` (default 90, at most 366), logged as
        ``api_token_created`` with ``actor``; its secret is returned this once.

        Raises:
            NotAllowedError: the actor is neither the person nor an admin (the command line acts as an admin).
            NotFoundError: no such person (or deactivated). AccountInputError: see :func:`_checked`.
        """
        if not (actor.is_admin or actor.person_id == person_id):
            raise NotAllowedError(N_("{actor} may not create API tokens for someone else"), actor=actor.name)
        name, scope, days = _checked(name, scope, days)
        secret = PREFIX + secrets.token_urlsafe(32)
        with self.db.write() as session:
            person = session.get(Person, person_id)
            if person is None or person.deactivated_at is not None:
                raise NotFoundError(N_("no active person with id {person_id}"), person_id=person_id)
            row = ApiToken(
                person_id=person_id,
                name=name,
                scope=scope,
                token_hash=digest(secret),
                created_at=now,
                expires_at=now + timedelta(days=days),
            )
            session.add(row)
            session.flush()
            log(session, actor, "api_token_created", now, person_id=person_id, token_id=row.id, scope=scope)
            return NewToken(_summary(row), secret)

    def tokens_of(self, person_id: int) -> list[TokenSummary]:
        """The person's tokens, newest first (revoked and expired ones too, for their record)."""
        with self.db.read() as session:
            rows = session.scalars(select(ApiToken).where(ApiToken.person_id == person_id).order_by(ApiToken.id.desc()))
            return [_summary(r) for r in rows]

    def revoke_token(self, token_id: int, now: datetime, *, actor: Actor) -> TokenSummary:
        """Revoke a token at once, logged as ``api_token_revoked``: its owner's or an admin's act (the command
        line acts as an admin). Revoking a revoked token changes nothing.

        Raises:
            NotFoundError: no such token, or not the actor's own and the actor is no admin.
        """
        with self.db.write() as session:
            row = session.get(ApiToken, token_id, with_for_update=True)
            if row is None or not (actor.is_admin or row.person_id == actor.person_id):
                raise NotFoundError(N_("no token with id {token_id}"), token_id=token_id)
            if row.revoked_at is None:
                row.revoked_at = now
                log(session, actor, "api_token_revoked", now, person_id=row.person_id, token_id=row.id)
            return _summary(row)

    def token_use(self, secret: str, ip: str, now: datetime) -> TokenUse:
        """Who the token with this secret acts for, noting its use (at most every minute).

        Raises:
            TokenError: ``limited`` (too many bad tokens from ``ip``; with when it lifts), ``unknown``,
                ``expired``, ``revoked``, ``deactivated``.
        """
        keys = [limits.key("token_address", limits.TOKEN_ADDRESS_LIMIT, other=ip)]
        with self.db.read() as session:
            if (until := limits.over(session, keys, now)) is not None:
                raise TokenError("limited", until)
            found = _find(session, secret)
            reason: TokenReason | None = "unknown" if found is None else _refusal(*found, now)
            if found is not None and reason is None:
                token, person = found
                use = TokenUse(actor_of(person), token.scope, token.id)
                stale = token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY
        if reason is not None:
            with self.db.write() as session:
                limits.charge(session, keys, now)
            raise TokenError(reason)
        if stale:
            with self.db.write() as session:
                session.execute(update(ApiToken).where(ApiToken.id == use.token_id).values(last_used_at=now))
        return use


def _find(session: Session, secret: str) -> tuple[ApiToken, Person] | None:
    """The token with this secret and its person (one query), or ``None``; a string that cannot be a token is
    not looked up."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    row = session.execute(
        select(ApiToken, Person)
        .join(Person, Person.id == ApiToken.person_id)
        .where(ApiToken.token_hash == digest(secret))
    ).first()
    return None if row is None else (row[0], row[1])


def _refusal(token: ApiToken, person: Person, now: datetime) -> TokenReason | None:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "deactivated" if person.deactivated_at is not None else None
