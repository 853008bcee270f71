"""The accounts' tables: sign-in limit counters, single-use links (invitations and password resets),
server-side sessions, personal API tokens, the API's idempotency keys and the identities single sign-on
linked. Tokens and session ids are random; only their SHA-256 is stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..engine.models import Base, UTCDateTime

#: what a single-use link is for
INVITATION = "invitation"
PASSWORD_RESET = "password_reset"


class SignInLimit(Base):
    """Failed sign-ins counted per key (an email and address, an address, an email...) in a fixed window that
    starts at the key's first failure. ``key`` is a hash, so the table holds no email address or IP address;
    ``email_hash`` lets a password reset clear every counter of that email."""

    __tablename__ = "sign_in_limits"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    email_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    failures: Mapped[int] = mapped_column(Integer)


class Invitation(Base):
    """A single-use, expiring link to set a password: an invitation, or a password reset (``purpose``). Only a
    hash of the token is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(20), server_default=INVITATION, default=INVITATION)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebSession(Base):
    """A signed-in browser. Its random id lives only in the (signed) cookie; revoking the row ends the session
    wherever a copy of that cookie is."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


#: what a personal API token may do: ``read`` (GET only) or ``write`` (changes too)
TOKEN_SCOPES = ("read", "write")


class ApiToken(Base):
    """A personal API token: a person's own key for the JSON API, with a name they choose, a scope, and an
    optional expiry. The secret is shown once; only its SHA-256 is kept (see :mod:`.tokens`)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SsoIdentity(Base):
    """A person's account at an identity provider, linked at their first single sign-on: the provider's id
    (from ``[[sso.providers]]``) and the subject (``sub``) it gave, which the provider never reassigns. Later
    sign-ins find the person by this link, so a mailbox that a provider later gives to someone else (the same
    email, another subject) cannot sign in as them."""

    __tablename__ = "sso_identities"
    __table_args__ = (UniqueConstraint("provider", "subject"), UniqueConstraint("person_id", "provider"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(255))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IdempotencyKey(Base):
    """A client's ``Idempotency-Key`` on a POST, per person (see :mod:`.idempotency`): the request it came with
    (method, path, SHA-256 of the body) and, once done, the answer to replay (``status`` is empty while the
    first request still runs). Kept until ``expires_at``, then purged."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("person_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(2000))
    body_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    response_headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
