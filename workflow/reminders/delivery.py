"""Delivery: the relay that moves outbox rows to an SMTP server (or to .eml files in development).

The relay is at-least-once. It works in three steps:

1. **claim** a batch of due rows in one transaction: status ``sending``, a lease (``claimed_until``) and
   one more attempt counted;
2. **send** each message;
3. **mark** each message ``sent`` in its own small transaction right after the server accepted it (or, on
   failure, back to ``pending`` with an exponential backoff, or ``failed`` after ``MAIL_MAX_ATTEMPTS``).

The window: if the process dies after the server accepted a message and before step 3 committed, that
message is sent again once its lease expires (``MAIL_LEASE_SECONDS``). So a crash can duplicate at most the
one message in flight per relay process; it never loses one. Messages claimed but not yet sent when the
process died are simply sent after the lease expires. Every attempt of a message carries the same
Message-ID, so mail clients can fold such a duplicate.

With no ``SMTP_HOST`` configured, messages are written to ``<instance>/mail/<message-id>.eml`` (writing
the same message twice replaces the file) and are listed, like all mail, by :func:`list_mail`.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol, cast

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from workflow.engine.db import Database
from workflow.engine.errors import InvalidError, NotFoundError
from workflow.settings import Settings

from . import tokens
from .messages import PLACEHOLDER, Envelope, compose
from .models import FAILED, PENDING, SENDING, SENT, STATUSES, OutboxMessage, SignOffToken


class DeliveryError(Exception):
    """A message could not be handed over; ``connection`` when the server itself was unreachable."""

    def __init__(self, message: str, *, connection: bool = False) -> None:
        self.connection = connection
        super().__init__(message)


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class SmtpTransport:
    """SMTP with plain, STARTTLS or implicit TLS; one connection reused for a batch, reopened after errors."""

    def __init__(
        self,
        host: str,
        port: int,
        security: str = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        if security not in ("none", "starttls", "tls"):
            raise InvalidError(f"SMTP_SECURITY must be none, starttls or tls, not '{security}'", field="SMTP_SECURITY")
        self.host, self.port, self.security = host, port, security
        self.username, self.password, self.timeout = username, password, timeout
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                smtp.starttls(context=context)
        if self.username:
            smtp.login(self.username, self.password or "")
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server.

        Raises:
            DeliveryError: refused, or the connection failed (``connection=True``).
        """
        try:
            if self._smtp is None:
                self._smtp = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryError(f"cannot connect to {self.host}:{self.port}: {exc}", connection=True) from None
        try:
            self._smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            # SMTPException is an OSError too: only a lost connection stops the rest of the batch
            lost = isinstance(exc, smtplib.SMTPServerDisconnected) or not isinstance(exc, smtplib.SMTPException)
            raise DeliveryError(f"{type(exc).__name__}: {exc}", connection=lost) from None

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


class FileTransport:
    """Development delivery: each message written as an .eml file in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = str(message["Message-ID"]).strip("<>").replace("/", "_").replace("@", "_at_") + ".eml"
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(message.as_bytes())
        os.replace(tmp, self.folder / name)

    def close(self) -> None:
        return None


def transport_from_settings(settings: Settings) -> Transport:
    """SMTP when ``SMTP_HOST`` is set, else .eml files under ``<instance>/mail``."""
    v = settings.values
    if not v.get("SMTP_HOST"):
        return FileTransport(settings.instance / "mail")
    security = str(v.get("SMTP_SECURITY") or "starttls").lower()
    port = int(v.get("SMTP_PORT") or {"tls": 465, "starttls": 587}.get(security, 25))
    return SmtpTransport(
        str(v["SMTP_HOST"]),
        port,
        security,
        v.get("SMTP_USERNAME") or None,
        v.get("SMTP_PASSWORD") or None,
        float(v.get("SMTP_TIMEOUT", 30)),
    )


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
            max_attempts=int(v.get("MAIL_MAX_ATTEMPTS", d.max_attempts)),
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


def claim(db: Database, now: datetime, batch: int, lease: timedelta) -> list[tuple[int, int, Envelope]]:
    """Claim up to ``batch`` due messages: (id, attempts including this one, envelope)."""
    due = or_(
        and_(
            OutboxMessage.status == PENDING,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        ),
        and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_until < now),
    )
    with db.write() as session:
        stmt = select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(batch)
        if not db.is_sqlite:
            stmt = stmt.with_for_update(skip_locked=True)
        ids = list(session.scalars(stmt))
        if not ids:
            return []
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
    """Send one batch of due messages (see the module docstring for the at-least-once window)."""
    config = config or RelayConfig()
    claimed = claim(db, now, batch, timedelta(seconds=config.lease_seconds))
    link_for = _linker(db, config, [env for _, _, env in claimed])
    sent = retrying = failed = 0
    down: DeliveryError | None = None
    try:
        for row_id, attempts, env in claimed:
            if down is None:
                try:
                    transport.send(compose(env, config.mail_from, link_for))
                except DeliveryError as exc:
                    down = exc if exc.connection else None
                    error = str(exc)
                else:
                    _mark(db, row_id, status=SENT, sent_at=now, claimed_until=None, last_error=None, **_scrubbed(env))
                    sent += 1
                    continue
            else:  # the server is unreachable: the rest of the batch waits too, with this attempt counted
                error = f"not tried: {down}"
            final = _failed(db, row_id, attempts, error, now, config)
            failed, retrying = failed + final, retrying + (not final)
    finally:
        transport.close()
    return RelayResult(sent, retrying, failed)


def _linker(db: Database, config: RelayConfig, envelopes: list[Envelope]) -> Callable[[str], str]:
    """Signed sign-off links for the placeholders in these messages (one query for the batch)."""
    nonces = {n for env in envelopes for n in PLACEHOLDER.findall(env.body_text)}
    rows: dict[str, dict[str, object]] = {}
    if nonces:
        with db.read() as session:
            for row in session.scalars(select(SignOffToken).where(SignOffToken.nonce.in_(sorted(nonces)))):
                rows[row.nonce] = {
                    "nonce": row.nonce,
                    "person_id": row.person_id,
                    "programme_id": row.programme_id,
                    "stage": row.stage,
                    "stage_visit": row.stage_visit,
                }

    def link_for(nonce: str) -> str:
        if nonce not in rows:
            return config.base_url  # the token row is missing (cannot happen: written together)
        return tokens.link(config.base_url, tokens.sign(rows[nonce], config.secret_key))

    return link_for


#: An invitation link lets whoever holds it set the person's password: once the email has gone, the stored
#: copy keeps no usable link (the token itself is stored only as a hash).
INVITATION_LINK = re.compile(r"/invitation/[A-Za-z0-9_-]+")


def _scrubbed(env: Envelope) -> dict[str, str]:
    """The stored bodies of a sent message with any invitation link made unusable."""
    if not INVITATION_LINK.search(env.body_text):
        return {}
    gone = "/invitation/(link removed once sent)"
    return {
        "body_text": INVITATION_LINK.sub(gone, env.body_text),
        "body_html": INVITATION_LINK.sub(gone, env.body_html),
    }


def _failed(db: Database, row_id: int, attempts: int, error: str, now: datetime, config: RelayConfig) -> bool:
    final = attempts >= config.max_attempts
    _mark(
        db,
        row_id,
        status=FAILED if final else PENDING,
        claimed_until=None,
        last_error=error[:2000],
        next_attempt_at=None if final else now + config.backoff(attempts),
    )
    return final


def _mark(db: Database, row_id: int, **values: object) -> None:
    with db.write() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.status == SENDING).values(**values)
        )


@dataclass(frozen=True)
class MailView:
    """A message as the admins' Sent mail page shows it (sign-off links appear as placeholders)."""

    id: int
    kind: str
    programme_id: int | None
    person_id: int | None
    to: str
    subject: str
    status: str
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    body_text: str


def _view(m: OutboxMessage) -> MailView:
    return MailView(
        m.id,
        m.kind,
        m.programme_id,
        m.person_id,
        f"{m.to_name} <{m.to_addr}>",
        m.subject,
        m.status,
        m.created_at,
        m.sent_at,
        m.attempts,
        m.next_attempt_at,
        m.last_error,
        m.body_text,
    )


def list_mail(
    db: Database, *, statuses: Sequence[str] = (), programme_id: int | None = None, limit: int = 200
) -> list[MailView]:
    """Messages, newest first; filter by status (e.g. ``failed``) or programme (its mail timeline).

    Raises:
        InvalidError: an unknown status.
    """
    unknown = set(statuses) - set(STATUSES)
    if unknown:
        raise InvalidError(
            f"unknown status {', '.join(sorted(unknown))}; expected: {', '.join(STATUSES)}", field="status"
        )
    with db.read() as session:
        stmt = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
        if statuses:
            stmt = stmt.where(OutboxMessage.status.in_(statuses))
        if programme_id is not None:
            stmt = stmt.where(OutboxMessage.programme_id == programme_id)
        return [_view(m) for m in session.scalars(stmt)]


def retry_failed(db: Database, message_id: int) -> MailView:
    """Put a failed message back in the queue (an admin's action after fixing the cause).

    Raises:
        NotFoundError: no such message. InvalidError: it has not failed.
    """
    with db.write() as session:
        m = _get(session, message_id)
        if m.status != FAILED:
            raise InvalidError(f"message {message_id} is {m.status}, not failed", field="status")
        m.status, m.attempts, m.next_attempt_at = PENDING, 0, None
        return _view(m)


def _get(session: Session, message_id: int) -> OutboxMessage:
    m = session.get(OutboxMessage, message_id)
    if m is None:
        raise NotFoundError(f"no message with id {message_id}")
    return m
