"""Tables of the reminders package: the outbox, sign-off tokens, mail preferences and calendar feeds.

The outbox is the single source of outgoing mail. Rows are written in the same transaction as the change
that causes them (or by the reminder scan), each with a unique ``key`` naming the occurrence, so that a
second attempt to write the same message does nothing. The relay moves rows from ``pending`` through
``sending`` (claimed, with a lease) to ``sent`` or ``failed``; rows held for a digest wait as ``held`` and
become ``digested`` when their digest is written.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.engine.models import Base, UTCDateTime

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
#: Sent, and its channel's receipt says it arrived (GOV.UK Notify: :mod:`.notify`).
DELIVERED = "delivered"
FAILED = "failed"
HELD = "held"
DIGESTED = "digested"
STATUSES = (PENDING, SENDING, SENT, DELIVERED, FAILED, HELD, DIGESTED)

INDIVIDUAL = "individual"
DAILY = "daily"
WEEKLY = "weekly"
MODES = (INDIVIDUAL, DAILY, WEEKLY)


class OutboxMessage(Base):
    """One email to one person, rendered when it was written; sent by :func:`~.delivery.relay`."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_programme_id_created_at", "programme_id", "created_at"),
        Index("ix_outbox_digest_key", "digest_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Names the occurrence, e.g. ``rule:12:sign_off_chase:3:34:2027-01-13`` or ``event:12:7:34``.
    key: Mapped[str] = mapped_column(String(250), unique=True)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    to_name: Mapped[str] = mapped_column(String(200))
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    #: Bodies may hold a ``{{sign_link:NONCE}}`` placeholder, replaced by a signed link when sent, but only for
    #: the token written with this row (:attr:`SignOffToken.outbox_key`) and only if it is the addressee's.
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    #: For a dated deadline: the day, and a title for the calendar invitation attached.
    deadline: Mapped[date | None] = mapped_column(Date)
    deadline_title: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: ``None``: as soon as possible; else not before (after a failed attempt).
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: For held rows that went into a digest: the digest's key.
    digest_key: Mapped[str | None] = mapped_column(String(250))


class SignOffToken(Base):
    """The database side of an approve-from-email link: who, which gate, when issued, whether used.

    ``nonce`` is random (``secrets.token_urlsafe``), never derived from anything guessable. ``outbox_key``
    names the one outbox row whose email carries this link; being unique, it makes the token row and its
    outbox row written or skipped together, and the relay fills a message's link only from its own token.
    Tokens issued outside the outbox (:func:`~.tokens.issue_token`) have none.
    """

    __tablename__ = "sign_off_tokens"
    __table_args__ = (Index("ix_sign_off_tokens_gate", "programme_id", "stage", "stage_visit", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    outbox_key: Mapped[str | None] = mapped_column(String(250), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(60))
    stage_visit: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(10))
    round: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MailPreference(Base):
    """How a person wants mail: each message on its own, or a daily or weekly digest."""

    __tablename__ = "mail_preferences"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(12))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CalendarFeed(Base):
    """A person's private calendar feed: the secret in its URL; replacing it revokes the old URL."""

    __tablename__ = "calendar_feeds"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
