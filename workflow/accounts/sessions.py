"""Server-side sessions: a random id in the browser's signed cookie, its SHA-256 here. A session is valid while
it is not revoked, has been used within the idle time, and is younger than :data:`MAX_AGE`; revoking it ends
it wherever a copy of the cookie is."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..engine.models import Person
from ..engine.permissions import Actor
from .models import WebSession

#: a session ends after this long without a request (the web passes its own cookie lifetime)
IDLE = timedelta(hours=8)
#: and this long after sign-in, however busy
MAX_AGE = timedelta(hours=12)
#: last-seen times are written at most this often, so that most requests only read
TOUCH_EVERY = timedelta(minutes=5)
#: sessions unused for longer than this are deleted
KEEP = timedelta(days=30)


@dataclass(frozen=True)
class Found:
    """A live session: whose it is, and whether its last-seen time is due to be written."""

    session_id: int
    actor: Actor
    stale: bool


def digest(secret: str) -> str:
    """What is stored of a session id: its SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


def open_session(session: Session, person_id: int, now: datetime) -> str:
    """Start a session for ``person_id``; returns its secret id (for the cookie only)."""
    session.execute(delete(WebSession).where(WebSession.last_seen_at < now - KEEP))
    secret = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=digest(secret), person_id=person_id, created_at=now, last_seen_at=now))
    return secret


def find(session: Session, secret: str, now: datetime, idle: timedelta = IDLE) -> Found | None:
    """The live session with this secret and its person (one query), or ``None``."""
    row = session.execute(
        select(WebSession, Person)
        .join(Person, Person.id == WebSession.person_id)
        .where(WebSession.token_hash == digest(secret))
    ).first()
    if row is None:
        return None
    web_session, person = row
    if web_session.revoked_at is not None or person.deactivated_at is not None:
        return None
    if web_session.last_seen_at <= now - idle or web_session.created_at <= now - MAX_AGE:
        return None
    actor = Actor(person.id, person.name, person.is_admin)
    return Found(web_session.id, actor, now - web_session.last_seen_at >= TOUCH_EVERY)


def touch(session: Session, session_id: int, now: datetime) -> None:
    """Note that the session was used now."""
    session.execute(
        update(WebSession).where(WebSession.id == session_id, WebSession.last_seen_at < now).values(last_seen_at=now)
    )


def revoke(session: Session, secret: str, now: datetime) -> None:
    """End the session with this secret (signing out)."""
    session.execute(
        update(WebSession)
        .where(WebSession.token_hash == digest(secret), WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_all(session: Session, person_id: int, now: datetime, keep: str | None = None) -> int:
    """End every live session of a person, but the one whose secret is ``keep``; returns how many ended."""
    where = [WebSession.person_id == person_id, WebSession.revoked_at.is_(None)]
    if keep is not None:
        where.append(WebSession.token_hash != digest(keep))
    result = session.execute(update(WebSession).where(*where).values(revoked_at=now))
    return int(result.rowcount)  # type: ignore[attr-defined]


def live_count(session: Session, person_id: int, now: datetime, idle: timedelta = IDLE) -> int:
    """How many sessions of a person are live now."""
    rows = session.scalars(
        select(WebSession.id).where(
            WebSession.person_id == person_id,
            WebSession.revoked_at.is_(None),
            WebSession.last_seen_at > now - idle,
            WebSession.created_at > now - MAX_AGE,
        )
    )
    return len(rows.all())
