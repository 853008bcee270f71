"""GOV.UK Notify as a way out for the outbox, beside SMTP and the .eml folder, and its delivery receipts.

Sending: each built email goes to Notify's send-email API through notifications-python-client, with one
generic template whose personalisation is ``subject`` and ``body`` (the plain-text part). The template in
Notify is then just ``((subject))`` as its subject and ``((body))`` as its message. The ``reference`` is the
outbox row's own ``message_id`` (the Message-ID without its domain), so Notify's receipts name the row; the
id Notify gives each notification is kept on the transport (:attr:`NotifyTransport.notification_ids`) and
logged, and a receipt's id is kept with a failure on the row.

Notify's refusals map onto the outbox's states as SMTP's do (:class:`~.transports.DeliveryError`): a 400
(a bad address, a bad template) or 403 (a key Notify refuses) is ``permanent``: the message is ``failed`` at
once. A 429 (rate limit), a 5xx, or no answer at all are Notify being unavailable: ``connection``, so the
rest of the batch waits too, and all are retried with backoff. Any other answer is retried.

Notify cannot carry an ``.ics`` attachment: a message with a deadline gets a line instead, the deadline's
title and the addressee's private calendar feed (:data:`~.preferences.FEED_PATH`), where the deadline is.

Receipts: :func:`record_receipt` moves a ``sent`` message to ``delivered``, or to ``failed`` for Notify's
``permanent-failure``, ``temporary-failure`` and ``technical-failure`` (the admins can send it again from
the Sent mail page). The web layer's callback endpoint checks Notify's bearer token and calls it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any, cast

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient
from sqlalchemy import select, update

from workflow.engine.db import Database
from workflow.settings import Settings

from .models import DELIVERED, FAILED, SENT, OutboxMessage
from .preferences import FEED_PATH, feed_secret
from .transports import BUILD_ERRORS, DeliveryError

log = logging.getLogger("banns.mail")

#: Notify's own address; tests point ``NOTIFY_BASE_URL`` at a server on loopback.
NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"
#: Notify's answers that mean this message can never go as it is.
PERMANENT = frozenset({400, 403})
#: Notify's final receipt statuses that mean the email did not arrive.
RECEIPT_FAILURES = frozenset({"permanent-failure", "temporary-failure", "technical-failure"})
#: What :func:`record_receipt` did: the message is now delivered or failed, the receipt changed nothing (an
#: interim status, or a message not sent), or no message has that reference.
RECEIPT_DELIVERED, RECEIPT_FAILED, RECEIPT_IGNORED, RECEIPT_UNKNOWN = "delivered", "failed", "ignored", "unknown"


@dataclass(frozen=True)
class NotifyConfig:
    api_key: str
    template_id: str
    base_url: str = NOTIFY_BASE_URL
    timeout: float = 30.0
    #: banns's own address, for the calendar feed's link
    site_url: str = "http://localhost:5000"


def reference_of(message: EmailMessage) -> str:
    """The outbox row's ``message_id``: the Message-ID header without its brackets and domain."""
    return str(message["Message-ID"] or "").strip().strip("<>").rpartition("@")[0]


def _plain_text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    if part is None:
        raise DeliveryError("the message has no plain-text part for Notify", permanent=True)
    return str(part.get_content())


def _has_calendar(message: EmailMessage) -> bool:
    return any(part.get_content_type() == "text/calendar" for part in message.iter_attachments())


class NotifyTransport:
    """Sends through GOV.UK Notify; one HTTP session (the client's) reused for a batch."""

    def __init__(self, config: NotifyConfig, db: Database | None = None) -> None:
        self.config, self.db = config, db
        try:
            self.client = NotificationsAPIClient(  # type: ignore[no-untyped-call]
                config.api_key, base_url=config.base_url, timeout=config.timeout
            )
        except (AssertionError, ValueError) as exc:  # the client asserts the key's shape
            raise DeliveryError(f"NOTIFY_API_KEY is not a Notify API key: {exc}", connection=True) from None
        #: reference (the outbox row's message_id) -> Notify's notification id, for what this transport sent
        self.notification_ids: dict[str, str] = {}

    def send(self, message: EmailMessage) -> None:
        """Hand one message to Notify.

        Raises:
            DeliveryError: refused for good (400, 403, or unbuildable: ``permanent``), Notify unavailable (429,
                5xx, no answer: ``connection``), or any other answer (retried).
        """
        reference = reference_of(message)
        try:
            to = parseaddr(str(message["To"]))[1]
            body = _plain_text(message)
            if _has_calendar(message):
                body += self._calendar_line(reference)
            personalisation = {"subject": str(message["Subject"]), "body": body}
        except BUILD_ERRORS as exc:
            raise DeliveryError(f"cannot write the message: {type(exc).__name__}: {exc}", permanent=True) from None
        try:
            answer: dict[str, Any] = self.client.send_email_notification(  # type: ignore[no-untyped-call]
                email_address=to,
                template_id=self.config.template_id,
                personalisation=personalisation,
                reference=reference,
            )
        except APIError as exc:
            raise _refusal(exc) from None
        self.notification_ids[reference] = str(answer.get("id", ""))
        log.info("message %s handed to Notify as notification %s", reference, answer.get("id"))

    def _calendar_line(self, reference: str) -> str:
        """The deadline's title and the addressee's calendar feed, in place of the .ics attachment (with no
        database at hand, none: the deadline is in the person's feed all the same)."""
        if self.db is None:
            return ""
        with self.db.read() as session:
            row = session.execute(
                select(OutboxMessage.person_id, OutboxMessage.deadline_title, OutboxMessage.subject).where(
                    OutboxMessage.message_id == reference
                )
            ).first()
        if row is None or row.person_id is None:
            return ""
        secret = feed_secret(self.db, row.person_id, datetime.now(UTC))
        link = self.config.site_url.rstrip("/") + FEED_PATH.format(secret=secret)
        return f"\n\n{row.deadline_title or row.subject}: {link}\n"

    def close(self) -> None:
        self.client.request_session.close()


def _refusal(exc: APIError) -> DeliveryError:
    """What Notify's answer means for this message (no answer at all comes as a 503 from the client)."""
    code = exc.status_code
    what = f"Notify answered {code}: {exc.message}"
    if cast(object, exc.response) is None:  # typed as always there; not so when nothing answered
        return DeliveryError(f"cannot reach Notify: {exc.message}", connection=True)
    if code in PERMANENT:
        return DeliveryError(what, permanent=True)
    return DeliveryError(what, connection=code == 429 or code >= 500)


def record_receipt(db: Database, reference: str, notification_id: str, status: str) -> str:
    """Apply one of Notify's delivery receipts to the message it names; returns one of the ``RECEIPT_*`` codes.
    Only a sent (or delivered) message changes; interim statuses (``sending``, ``created``) change nothing."""
    was: tuple[str, ...]
    if status == "delivered":
        new, was, error = DELIVERED, (SENT,), None
    elif status in RECEIPT_FAILURES:
        new, was, error = FAILED, (SENT, DELIVERED), f"Notify: {status} (notification {notification_id})"
    else:
        new, was, error = "", (), None
    with db.write() as session:
        found = session.scalar(select(OutboxMessage.id).where(OutboxMessage.message_id == reference))
        if found is None:
            return RECEIPT_UNKNOWN
        if not new:
            return RECEIPT_IGNORED
        changed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == found, OutboxMessage.status.in_(was))
            .values(status=new, last_error=error)
        ).rowcount  # type: ignore[attr-defined]
    if not changed:
        return RECEIPT_IGNORED
    log.info("message %s: Notify's receipt for notification %s says %s", found, notification_id, status)
    return RECEIPT_DELIVERED if new == DELIVERED else RECEIPT_FAILED


def notify_transport(settings: Settings, db: Database | None) -> NotifyTransport:
    """The Notify transport of the ``NOTIFY_*`` settings (checked when they are loaded)."""
    v = settings.values
    return NotifyTransport(
        NotifyConfig(
            api_key=str(v["NOTIFY_API_KEY"]),
            template_id=str(v.get("NOTIFY_TEMPLATE_ID") or ""),
            base_url=str(v.get("NOTIFY_BASE_URL") or NOTIFY_BASE_URL),
            timeout=float(v.get("NOTIFY_TIMEOUT", 30)),
            site_url=str(v.get("BASE_URL") or "http://localhost:5000"),
        ),
        db,
    )
