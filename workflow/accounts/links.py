"""Single-use, expiring links that set a password: invitations (a week) and password resets (an hour).
The token is random and only its SHA-256 is stored; setting a password through any link uses up every open
link of that person."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .errors import InvitationError
from .models import INVITATION, PASSWORD_RESET, Invitation

LIFETIME = {INVITATION: timedelta(days=7), PASSWORD_RESET: timedelta(hours=1)}


def digest(token: str) -> str:
    """What is stored of a link's token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, person_id: int, purpose: str, now: datetime, programme_id: int | None = None) -> str:
    """Store a new link for ``purpose`` and return its token (for the email only)."""
    token = secrets.token_urlsafe(32)
    session.add(
        Invitation(
            token_hash=digest(token),
            purpose=purpose,
            person_id=person_id,
            programme_id=programme_id,
            created_at=now,
            expires_at=now + LIFETIME[purpose],
        )
    )
    return token


def usable(session: Session, token: str, purpose: str, now: datetime, *, lock: bool = False) -> Invitation:
    """The link with this token, if it is for ``purpose`` and can still be used.

    Raises:
        InvitationError: unknown (or for another purpose), used, or expired.
    """
    stmt = select(Invitation).where(Invitation.token_hash == digest(token), Invitation.purpose == purpose)
    link = session.scalar(stmt.with_for_update() if lock else stmt)
    if link is None:
        raise InvitationError("unknown")
    if link.used_at is not None:
        raise InvitationError("used")
    if link.expires_at <= now:
        raise InvitationError("expired")
    return link


def use_up(session: Session, person_id: int, now: datetime) -> None:
    """Mark every open link of the person used (a password was just set)."""
    session.execute(
        update(Invitation).where(Invitation.person_id == person_id, Invitation.used_at.is_(None)).values(used_at=now)
    )
