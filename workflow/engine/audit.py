"""The tamper-evident log: every event is sealed with the SHA-256 of its content and of the event before it in
the same chain (one chain per programme, and one for the site's own changes). Editing, inserting or deleting
a stored event breaks the chain at that entry, and :func:`verify` names the first broken one.

The content hashed is a canonical JSON text of the event's fields (sorted keys, no spaces, UTC times in ISO
form), so that the same event hashes the same on SQLite and PostgreSQL, today and after a migration.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .db import Database
from .errors import N_, NotFoundError
from .models import Event, Programme

#: Why a chain fails, as data: the CLI and the web word it.
Fault = Literal["content_changed", "link_broken", "missing_event", "head_mismatch"]
#: The PostgreSQL advisory lock that orders writers of the site's chain.
SITE_CHAIN_LOCK = 0x62616E6E73


def canonical(event: Event) -> str:
    """The event's content as canonical JSON (what its hash covers, with the previous hash)."""
    content = {
        "programme_id": event.programme_id,
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor": event.actor,
        "kind": event.kind,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "reason": event.reason,
        "data": event.data or {},
        "prev_hash": event.prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def digest(event: Event) -> str:
    return hashlib.sha256(canonical(event).encode("utf-8")).hexdigest()


def seal(event: Event, prev_hash: str | None) -> str:
    """Link ``event`` to the one before it and set its hash; returns the hash (the chain's new head)."""
    event.prev_hash = prev_hash
    event.hash = digest(event)
    return event.hash


def log_site_event(
    session: Session, actor_id: int | None, actor: str, kind: str, at: datetime, reason: str = "", **data: object
) -> Event:
    """Record a change outside any programme (an account, admin rights, a resent email) in the site's chain,
    in the caller's transaction. On PostgreSQL an advisory lock orders concurrent writers; SQLite's write
    transactions are serial already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SITE_CHAIN_LOCK})
    seq, head = site_head(session)
    event = Event(
        programme_id=None, seq=seq + 1, at=at, actor_id=actor_id, actor=actor, kind=kind, reason=reason, data=data
    )
    seal(event, head)
    session.add(event)
    return event


def site_head(session: Session) -> tuple[int, str | None]:
    """The number and hash of the latest event of the site's own chain (``(0, None)`` when empty)."""
    row = session.execute(
        select(Event.seq, Event.hash).where(Event.programme_id.is_(None)).order_by(Event.seq.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else (0, None)


@dataclass(frozen=True)
class ChainReport:
    """The result of checking one chain: ``programme_id`` None is the site's chain."""

    programme_id: int | None
    programme_name: str | None
    events: int
    broken_at: int | None = None  # the seq of the first broken entry
    fault: Fault | None = None

    @property
    def intact(self) -> bool:
        return self.fault is None


def verify(session: Session, programme_id: int | None = None, *, site: bool = False) -> list[ChainReport]:
    """Check the chain of one programme (``programme_id``), of the site (``site``), or of every programme and
    the site (neither given)."""
    if programme_id is not None:
        programmes = session.execute(
            select(Programme.id, Programme.name, Programme.last_seq, Programme.log_head).where(
                Programme.id == programme_id
            )
        ).all()
    elif site:
        programmes = []
    else:
        programmes = session.execute(
            select(Programme.id, Programme.name, Programme.last_seq, Programme.log_head).order_by(Programme.id)
        ).all()
    reports = [_check(pid, name, _events(session, pid), last_seq, head) for pid, name, last_seq, head in programmes]
    if programme_id is None:
        events = _events(session, None)
        reports.append(_check(None, None, events, events[-1].seq if events else 0, events[-1].hash if events else None))
    return reports


def verify_chains(db: Database, programme_id: int | None = None, *, site: bool = False) -> list[ChainReport]:
    """:func:`verify` in a read transaction of its own (callers check the reader may see the programme).

    Raises:
        NotFoundError: no programme with ``programme_id``.
    """
    with db.read() as session:
        reports = verify(session, programme_id, site=site)
    if programme_id is not None and not reports:
        raise NotFoundError(N_("no programme with id {programme_id}"), programme_id=programme_id)
    return reports


def _events(session: Session, programme_id: int | None) -> list[Event]:
    where = Event.programme_id.is_(None) if programme_id is None else Event.programme_id == programme_id
    return list(session.scalars(select(Event).where(where).order_by(Event.seq)))


def _check(
    programme_id: int | None, name: str | None, events: Iterable[Event], last_seq: int, head: str | None
) -> ChainReport:
    previous: str | None = None
    count = 0
    for expected_seq, event in enumerate(events, start=1):
        count += 1
        if event.seq != expected_seq:
            return ChainReport(programme_id, name, count, expected_seq, "missing_event")
        if event.prev_hash != previous:
            return ChainReport(programme_id, name, count, event.seq, "link_broken")
        if event.hash != digest(event):
            return ChainReport(programme_id, name, count, event.seq, "content_changed")
        previous = event.hash
    if count != last_seq:
        return ChainReport(programme_id, name, count, count + 1, "missing_event")
    if previous != head:
        return ChainReport(programme_id, name, count, count, "head_mismatch")
    return ChainReport(programme_id, name, count)
