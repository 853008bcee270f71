"""The admins' Sent mail page as data: every message with its status, and sending a failed one again.

Sending a message again is a change with its actor, logged like any other: on the programme's log when the
message belongs to a programme (through the engine's unit of work, so one transaction holds the change and
its event), else on the site's log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from workflow.engine.audit import log_site_event
from workflow.engine.db import Database
from workflow.engine.errors import N_, InvalidError, NotAllowedError, NotFoundError
from workflow.engine.models import Programme
from workflow.engine.permissions import Actor
from workflow.engine.text import LARGEST_ID
from workflow.engine.unit_of_work import ProgrammeChanges

from .messages import PLACEHOLDER
from .models import FAILED, PENDING, STATUSES, OutboxMessage

#: The event of a message sent again, on the programme's log or the site's.
RESENT = "mail_resent"
#: The action the unit of work checks for a programme's message: sending again is for admins (checked
#: first, below), who may take any action; ``edit`` is the nearest in the engine's policy.
RESEND_ACTION = "resend_mail"
#: What a stored sign-off link placeholder is shown as: its nonce is no one's business.
LINK_SHOWN = "[personal sign-off link]"


@dataclass(frozen=True)
class MailView:
    """A message as the admins' Sent mail page shows it (a sign-off link shown as :data:`LINK_SHOWN`)."""

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
        PLACEHOLDER.sub(LINK_SHOWN, m.body_text),
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
            N_("unknown status {status}; expected: {expected}"),
            field="status",
            status=tuple(sorted(unknown)),
            expected=tuple(STATUSES),
        )
    with db.read() as session:
        stmt = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
        if statuses:
            stmt = stmt.where(OutboxMessage.status.in_(statuses))
        if programme_id is not None:
            stmt = stmt.where(OutboxMessage.programme_id == programme_id)
        return [_view(m) for m in session.scalars(stmt)]


@dataclass(frozen=True)
class MailFilter:
    """What the Sent mail page filters by (empty: anything): part of the recipient's name or address, a
    programme, a status, a kind of message."""

    recipient: str = ""
    programme_id: int | None = None
    status: str = ""
    kind: str = ""


@dataclass(frozen=True)
class MailPage:
    messages: tuple[MailView, ...]
    #: how many messages match the filter, over all pages
    total: int
    page: int
    pages: int
    #: what can be chosen: the kinds of message there are, and the programmes that have mail (id, name)
    kinds: tuple[str, ...]
    programmes: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class MailMessage:
    """One message as sent (its sign-off link hidden), with its programme's name."""

    view: MailView
    programme_name: str | None
    message_id: str
    body_html: str
    deadline: date | None


def mail_page(db: Database, where: MailFilter, page: int = 1, per_page: int = 50) -> MailPage:
    """One page of the messages that match ``where``, newest first (a page past the last shows the last).

    Raises:
        InvalidError: an unknown status.
    """
    if where.status and where.status not in STATUSES:
        raise InvalidError(
            N_("unknown status {status}; expected: {expected}"),
            field="status",
            status=where.status,
            expected=tuple(STATUSES),
        )
    conditions = []
    if where.recipient.strip():
        pattern = f"%{where.recipient.strip().lower()}%"
        conditions.append(
            or_(func.lower(OutboxMessage.to_addr).like(pattern), func.lower(OutboxMessage.to_name).like(pattern))
        )
    if where.programme_id is not None:
        conditions.append(OutboxMessage.programme_id == where.programme_id)
    if where.status:
        conditions.append(OutboxMessage.status == where.status)
    if where.kind:
        conditions.append(OutboxMessage.kind == where.kind)
    with db.read() as session:
        total = session.scalar(select(func.count(OutboxMessage.id)).where(*conditions)) or 0
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        rows = session.scalars(
            select(OutboxMessage)
            .where(*conditions)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        messages = tuple(_view(m) for m in rows)
        kinds = tuple(session.scalars(select(OutboxMessage.kind).distinct().order_by(OutboxMessage.kind)))
        programmes = tuple(
            (pid, name)
            for pid, name in session.execute(
                select(Programme.id, Programme.name)
                .where(Programme.id.in_(select(OutboxMessage.programme_id)))
                .order_by(Programme.name)
            )
        )
    return MailPage(messages, total, page, pages, kinds, programmes)


def get_mail(db: Database, message_id: int) -> MailMessage:
    """One message, as the Sent mail page opens it.

    Raises:
        NotFoundError: no such message.
    """
    with db.read() as session:
        m = _get(session, message_id) if 0 < message_id <= LARGEST_ID else None
        if m is None:
            raise NotFoundError(N_("no message with id {message_id}"), message_id=message_id)
        name = session.get(Programme, m.programme_id).name if m.programme_id else None  # type: ignore[union-attr]
        html = PLACEHOLDER.sub(LINK_SHOWN, m.body_html)
        return MailMessage(_view(m), name, m.message_id, html, m.deadline)


def retry_failed(changes: ProgrammeChanges, message_id: int, actor: Actor) -> MailView:
    """Put a failed message back in the queue (an admin's action after fixing the cause), logged as a
    ``mail_resent`` event with its actor: on the message's programme's log, or on the site's.

    Raises:
        NotAllowedError: the actor is not an admin. NotFoundError: no such message. InvalidError: it has not
        failed (or was sent again meanwhile). ConflictError: the programme was busy; nothing was saved.
    """
    if not actor.is_admin:
        raise NotAllowedError(N_("{actor} may not send mail again: only admins may"), actor=actor.name)
    with changes.db.read() as session:
        programme_id = _get(session, message_id).programme_id
    if programme_id is None:
        with changes.db.write() as session:
            view, data = _requeue(session, message_id)
            log_site_event(session, actor.person_id, actor.name, RESENT, changes.clock(), **data)
        return view
    with changes.change(programme_id, actor, RESEND_ACTION, RESENT) as change:
        view, data = _requeue(change.session, message_id)
        change.data.update(data)
    return view


def _requeue(session: Session, message_id: int) -> tuple[MailView, dict[str, Any]]:
    """Make a failed message pending with its attempts reset; what the event records of it."""
    m = _get(session, message_id, lock=True)
    if m.status != FAILED:
        raise InvalidError(
            N_("message {message_id} is {status}, not failed"), field="status", message_id=message_id, status=m.status
        )
    data = {
        "message_id": m.id,
        "message_kind": m.kind,
        "to": m.to_addr,
        "subject": m.subject,
        "attempts": m.attempts,
        "last_error": m.last_error or "",
    }
    m.status, m.attempts, m.next_attempt_at = PENDING, 0, None
    session.flush()
    return _view(m), data


def _get(session: Session, message_id: int, *, lock: bool = False) -> OutboxMessage:
    m = session.get(OutboxMessage, message_id, with_for_update=lock, populate_existing=lock)
    if m is None:
        raise NotFoundError(N_("no message with id {message_id}"), message_id=message_id)
    return m
