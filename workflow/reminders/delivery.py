"""Delivery: the relay that moves outbox rows to an SMTP server (or to .eml files in development).

The relay is at-least-once. It works in three steps:

1. **claim** a batch of due rows in one transaction: status ``sending``, a lease (``claimed_until``) and
   one more attempt counted; a due row with no attempts left (``MAIL_MAX_ATTEMPTS``) is marked ``failed``
   instead, so attempts never exceed the maximum, even after crashes;
2. **build and send** each message, with its own sign-off link only (see :func:`own_links`);
3. **mark** each message ``sent`` right after the server accepted it (or, on failure, back to ``pending``
   with an exponential backoff, or ``failed`` after ``MAIL_MAX_ATTEMPTS``), each in a small commit on the
   batch's one connection that does not wait for the disk, the batch's last one flushed (:mod:`.marks`).

A run of the scheduler sends all its batches over one SMTP connection (:func:`relay_batch` leaves the
transport open; it reconnects by itself after an error).

One bad message never stops the mail: a message that cannot be built (a header with a line break) or that
the server refuses for good (a 5xx reply to its recipient or content) is marked ``failed`` at once, with its
error, and the relay goes on with the rest. Only an unavailable way out (the server unreachable, the mail
folder unwritable) makes the rest of the batch wait, each with the attempt counted, logged, and retried
with backoff; nothing is lost.

The window (the guarantee): rows are claimed (``sending``, with a lease, the attempt counted) in a flushed
commit before anything is sent, so no other relay sends them meanwhile. If the process dies after the
server accepted a message and before its mark was committed, that message is sent again once its lease
expires (``MAIL_LEASE_SECONDS``): a killed relay duplicates at most the one message in flight. A mark is
committed without waiting for the disk, so only a crash of the machine itself (a power cut) or of the
PostgreSQL server can undo marks: those of the batch in hand, at most one batch, sent again. Nothing is
ever lost. Every attempt of a message carries the same Message-ID, so mail clients can fold a duplicate.

With no ``SMTP_HOST`` configured, messages are written to ``<instance>/mail/<message-id>.eml`` (writing
the same message twice replaces the file). The admins' Sent mail page reads :mod:`.sent`.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import and_, func, literal, or_, select, update
from sqlalchemy.orm import aliased

from workflow.engine.db import Database
from workflow.settings import Settings

from . import tokens
from .marks import Marks
from .messages import Envelope, compose
from .models import FAILED, PENDING, SENDING, SENT, OutboxMessage, SignOffToken
from .sent import MailView, list_mail, retry_failed
from .transports import DeliveryError, FileTransport, SmtpTransport, Transport, transport_from_settings

__all__ = [
    "DeliveryError",
    "FileTransport",
    "MailView",
    "RelayConfig",
    "RelayResult",
    "SmtpTransport",
    "Transport",
    "list_mail",
    "relay",
    "relay_batch",
    "retry_failed",
    "transport_from_settings",
]

log = logging.getLogger("banns.mail")


@dataclass(frozen=True)
class RelayConfig:
    mail_from: str = "banns <banns@localhost>"
    base_url: str = "http://localhost:5000"
    secret_key: str = ""
    max_attempts: int = 8
    retry_seconds: float = 60.0
    retry_cap_seconds: float = 6 * 3600.0
    lease_seconds: float = 300.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RelayConfig:
        v, d = settings.values, cls()
        return cls(
            mail_from=str(v.get("MAIL_FROM") or d.mail_from),
            base_url=str(v.get("BASE_URL") or d.base_url),
            secret_key=tokens.secret_of(settings),
            max_attempts=max(1, int(v.get("MAIL_MAX_ATTEMPTS", d.max_attempts))),
            retry_seconds=float(v.get("MAIL_RETRY_SECONDS", d.retry_seconds)),
            retry_cap_seconds=float(v.get("MAIL_RETRY_CAP_SECONDS", d.retry_cap_seconds)),
            lease_seconds=float(v.get("MAIL_LEASE_SECONDS", d.lease_seconds)),
        )

    def backoff(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.retry_seconds * 2 ** max(attempts - 1, 0), self.retry_cap_seconds))


@dataclass(frozen=True)
class RelayResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def claimed(self) -> int:
        return self.sent + self.retrying + self.failed


ENVELOPE = (
    OutboxMessage.id,
    OutboxMessage.key,
    OutboxMessage.message_id,
    OutboxMessage.to_name,
    OutboxMessage.to_addr,
    OutboxMessage.subject,
    OutboxMessage.body_text,
    OutboxMessage.body_html,
    OutboxMessage.created_at,
    OutboxMessage.deadline,
    OutboxMessage.deadline_title,
    OutboxMessage.attempts,
)


def claim(db: Database, now: datetime, batch: int, config: RelayConfig) -> list[tuple[int, int, Envelope]]:
    """Claim up to ``batch`` due messages: (id, attempts including this one, envelope). Due messages with
    no attempts left (e.g. interrupted on their last one) are marked failed instead."""
    due = or_(
        and_(
            OutboxMessage.status == PENDING,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        ),
        and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_until < now),
    )
    spent = literal(f"no attempts left (MAIL_MAX_ATTEMPTS is {config.max_attempts}); the last: ")
    with db.write() as session:
        session.execute(
            update(OutboxMessage)
            .where(due, OutboxMessage.attempts >= config.max_attempts)
            .values(
                status=FAILED,
                claimed_until=None,
                next_attempt_at=None,
                last_error=spent + func.coalesce(OutboxMessage.last_error, "interrupted while sending"),
            )
        )
        stmt = (
            select(OutboxMessage.id)
            .where(due, OutboxMessage.attempts < config.max_attempts)
            .order_by(OutboxMessage.id)
            .limit(batch)
        )
        if not db.is_sqlite:
            stmt = stmt.with_for_update(skip_locked=True)
        ids = list(session.scalars(stmt))
        if not ids:
            return []
        lease = timedelta(seconds=config.lease_seconds)
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status=SENDING, claimed_until=now + lease, attempts=OutboxMessage.attempts + 1)
        )
        rows = session.execute(select(*ENVELOPE).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id))
        return [(r[0], cast(int, r[-1]), Envelope(*tuple(r)[1:-1])) for r in rows]


def relay(
    db: Database, transport: Transport, now: datetime, *, batch: int = 50, config: RelayConfig | None = None
) -> RelayResult:
    """Send one batch of due messages, then close the transport (see the module docstring for the window)."""
    try:
        return relay_batch(db, transport, now, batch=batch, config=config)
    finally:
        transport.close()


def relay_batch(
    db: Database, transport: Transport, now: datetime, *, batch: int = 50, config: RelayConfig | None = None
) -> RelayResult:
    """Send one batch of due messages over ``transport``, left open for the next batch (one SMTP connection
    for a whole run; the transport reconnects by itself after an error): the caller closes it. Each outcome
    is committed as soon as it is known, the batch's last one flushed to disk (:mod:`.marks`)."""
    config = config or RelayConfig()
    claimed = claim(db, now, batch, config)
    if not claimed:
        return RelayResult()
    links = own_links(db, config, [row_id for row_id, _, _ in claimed])
    outcomes = {SENT: 0, PENDING: 0, FAILED: 0}
    marks = Marks(db)
    try:
        for i, (row_id, attempts, env) in enumerate(claimed):
            outcome, values, down = _deliver(transport, (row_id, attempts, env), links.get(row_id, {}), now, config)
            marks.write(row_id, values, flush=i == len(claimed) - 1)
            outcomes[outcome] += 1
            if down is not None:  # the way out is unavailable: the rest waits too, with this attempt counted
                rest = [
                    (r, *_failed(r, a, f"not tried: {down}", now, config, quiet=True)) for r, a, _ in claimed[i + 1 :]
                ]
                marks.write_many([(r, columns) for r, _, columns in rest], flush=True)
                outcomes[PENDING] += sum(status == PENDING for _, status, _ in rest)
                outcomes[FAILED] += sum(status == FAILED for _, status, _ in rest)
                log.error("mail cannot go out, %d message(s) wait to be retried: %s", outcomes[PENDING], down)
                break
    finally:
        marks.close()
    return RelayResult(outcomes[SENT], outcomes[PENDING], outcomes[FAILED])


Mark = tuple[str, dict[str, object]]  # a message's new status, and the columns to set


def _deliver(
    transport: Transport,
    item: tuple[int, int, Envelope],
    links: dict[str, str],
    now: datetime,
    config: RelayConfig,
) -> tuple[str, dict[str, object], DeliveryError | None]:
    """Build and send one claimed message: its new status, the columns to set and, if the way out is down,
    why."""
    row_id, attempts, env = item
    try:
        message = compose(env, config.mail_from, links)
    except Exception as exc:  # whatever makes one message unbuildable must not stop the others
        error = f"cannot build the message: {type(exc).__name__}: {exc}"
        return (*_failed(row_id, attempts, error, now, config, permanent=True), None)
    try:
        transport.send(message)
    except DeliveryError as exc:
        status, values = _failed(row_id, attempts, str(exc), now, config, permanent=exc.permanent)
        return status, values, exc if exc.connection else None
    except Exception as exc:  # unforeseen: logged with its traceback, and retried like a refusal
        log.exception("message %s: unexpected error while sending", row_id)
        return (*_failed(row_id, attempts, f"{type(exc).__name__}: {exc}", now, config), None)
    return SENT, {"status": SENT, "sent_at": now, "claimed_until": None, "last_error": None, **_scrubbed(env)}, None


#: What a signed link is made of (:func:`tokens.sign`), read as plain columns.
_TOKEN_FIELDS = (
    SignOffToken.nonce,
    SignOffToken.person_id,
    SignOffToken.programme_id,
    SignOffToken.stage,
    SignOffToken.stage_visit,
)


def own_links(db: Database, config: RelayConfig, ids: list[int]) -> dict[int, dict[str, str]]:
    """For each message, nonce -> signed link of the only tokens its body may show a link for: the token
    written with it (for a digest: with the messages it quotes), and only if that token is the addressee's.
    Any other placeholder in a body, whoever typed it, stays inert text."""
    if not ids:
        return {}
    outer, quoted = aliased(OutboxMessage), aliased(OutboxMessage)
    addressee = SignOffToken.person_id == outer.person_id
    own = (
        select(outer.id, *_TOKEN_FIELDS)
        .join(SignOffToken, and_(SignOffToken.outbox_key == outer.key, addressee))
        .where(outer.id.in_(ids))
    )
    in_digest = (
        select(outer.id, *_TOKEN_FIELDS)
        .join(quoted, and_(quoted.digest_key == outer.key, quoted.person_id == outer.person_id))
        .join(SignOffToken, and_(SignOffToken.outbox_key == quoted.key, addressee))
        .where(outer.id.in_(ids), outer.kind == "digest")
    )
    found: dict[int, dict[str, str]] = defaultdict(dict)
    with db.read() as session:
        for stmt in (own, in_digest):
            for row_id, *values in session.connection().execute(stmt):
                token = {field.key: value for field, value in zip(_TOKEN_FIELDS, values, strict=True)}
                found[row_id][str(token["nonce"])] = tokens.link(config.base_url, tokens.sign(token, config.secret_key))
    return found


#: An account link (an invitation, a password reset) lets whoever holds it set the person's password: once
#: the email has gone, the stored copy keeps no usable link (the token itself is stored only as a hash).
#: Both forms: ``/invitation/TOKEN`` and ``...?token=TOKEN`` (``&amp;token=`` in HTML).
ACCOUNT_LINK = re.compile(r"(/invitation/|[?&;]token=)[A-Za-z0-9_.~%-]+")


def _scrubbed(env: Envelope) -> dict[str, str]:
    """The stored bodies of a sent message with any account link made unusable."""
    if not ACCOUNT_LINK.search(env.body_text):
        return {}
    gone = r"\1(link removed once sent)"
    return {
        "body_text": ACCOUNT_LINK.sub(gone, env.body_text),
        "body_html": ACCOUNT_LINK.sub(gone, env.body_html),
    }


def _failed(
    row_id: int,
    attempts: int,
    error: str,
    now: datetime,
    config: RelayConfig,
    *,
    permanent: bool = False,
    quiet: bool = False,
) -> Mark:
    """A failed attempt: ``failed`` if it can never work or none is left, else ``pending`` again after a
    backoff (logged, unless ``quiet``: the batch's one line says why). Returns the mark to write."""
    final = permanent or attempts >= config.max_attempts
    if final:
        log.error("message %s failed, attempt %d of %d: %s", row_id, attempts, config.max_attempts, error)
    elif not quiet:
        log.warning("message %s to be retried, attempt %d of %d: %s", row_id, attempts, config.max_attempts, error)
    status = FAILED if final else PENDING
    return status, {
        "status": status,
        "claimed_until": None,
        "last_error": error[:2000],
        "next_attempt_at": None if final else now + config.backoff(attempts),
    }
