"""Each person's mail preference (individual, daily or weekly digest), digests, and private calendar feeds.

Messages for a digest reader are written ``held``. :func:`assemble_digests` (run by the scheduler after
each scan) gathers them into one message per person and period: daily from ``DIGEST_HOUR`` (07:00 UK
time), weekly from Monday at that hour. A digest is keyed by person and period, and its held messages are
marked ``digested`` only if its row was written, so a digest is never sent twice nor a message lost.

A calendar feed is ICS text of a person's deadlines at a URL holding a random secret; replacing the secret
(:func:`revoke_feed`) makes the old URL stop working.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from workflow.engine.db import Database
from workflow.engine.errors import N_, BannsError, InvalidError, NotFoundError, english
from workflow.engine.models import Person, RoleAssignment
from workflow.words import say
from workflow.words.language import gettext_for

from .duties import UK, Holder, deadlines, uk_date
from .language import language_of
from .messages import Mail, calendar_shell, ics_event, inner_html, inner_text
from .models import DAILY, DIGESTED, HELD, INDIVIDUAL, MODES, PENDING, CalendarFeed, MailPreference, OutboxMessage
from .outbox import message_row
from .scan import load_facts

DIGEST_HOUR = 7
FEED_PATH = "/calendar/{secret}.ics"


def set_preference(db: Database, person_id: int, mode: str, now: datetime) -> None:
    """Choose individual emails or a daily or weekly digest.

    Raises:
        InvalidError: an unknown mode. NotFoundError: no such person.
    """
    if mode not in MODES:
        raise InvalidError(
            N_("mail preference must be one of {modes}, not '{mode}'"), field="mode", modes=tuple(MODES), mode=mode
        )
    with db.write() as session:
        if session.get(Person, person_id) is None:
            raise NotFoundError(N_("no person with id {person_id}"), person_id=person_id)
        pref = session.get(MailPreference, person_id)
        if pref is None:
            session.add(MailPreference(person_id=person_id, mode=mode, updated_at=now))
        else:
            pref.mode, pref.updated_at = mode, now
        if mode == INDIVIDUAL:  # nothing waits for a digest that will no longer come
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.person_id == person_id, OutboxMessage.status == HELD)
                .values(status=PENDING)
            )


def get_preference(db: Database, person_id: int) -> str:
    with db.read() as session:
        pref = session.get(MailPreference, person_id)
        return pref.mode if pref else INDIVIDUAL


def digest_period(mode: str, now: datetime, hour: int = DIGEST_HOUR) -> date | None:
    """The period a digest sent now would close (its first day), or ``None`` if none is due yet."""
    local = now.astimezone(UK)
    today = local.date()
    if mode == DAILY:
        return today if local.hour >= hour else None
    monday = today - timedelta(days=today.weekday())
    return monday if (today > monday or local.hour >= hour) else None


def assemble_digests(db: Database, now: datetime, *, hour: int = DIGEST_HOUR) -> int:
    """Write the digests due at ``now``; returns how many were written."""
    with db.write() as session:
        held = session.execute(
            select(OutboxMessage, MailPreference.mode)
            .join(MailPreference, MailPreference.person_id == OutboxMessage.person_id)
            .where(OutboxMessage.status == HELD, OutboxMessage.created_at <= now)
            .order_by(OutboxMessage.id)
        ).all()
        by_person: dict[int, list[OutboxMessage]] = defaultdict(list)
        periods: dict[int, tuple[str, date]] = {}
        for message, mode in held:
            period = digest_period(mode, now, hour)
            if mode != INDIVIDUAL and period is not None and message.person_id is not None:
                by_person[message.person_id].append(message)
                periods[message.person_id] = (mode, period)
        chosen = session.execute(select(Person.id, Person.language).where(Person.id.in_(list(by_person))))
        languages = {pid: language for pid, language in chosen}
        rows = [
            _digest_row(items, *periods[pid], now, language_of(languages.get(pid))) for pid, items in by_person.items()
        ]
        written = _insert_returning_keys(session, rows)
        for row in rows:
            if row["key"] in written:
                ids = [m.id for m in by_person[cast(int, row["person_id"])]]
                session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(ids))
                    .values(status=DIGESTED, digest_key=row["key"])
                )
        return len(written)


def _digest_row(items: list[OutboxMessage], mode: str, period: date, now: datetime, language: str) -> dict[str, object]:
    """One digest of ``items``, quoting each held message's own words (with its link placeholder, which the
    relay fills because that message's token is the digest reader's)."""
    first = items[0]
    person = Holder(first.person_id or 0, first.to_name, first.to_addr, "", None, language)
    quoted = [{"subject": m.subject, "text": inner_text(m.body_text), "html": inner_html(m.body_html)} for m in items]
    mail = Mail("digest", {"mode": mode, "period": period, "items": quoted})
    key = f"digest:{mode}:{person.person_id}:{period.isoformat()}"
    return message_row(key, "digest", None, person, mail, now)


def _insert_returning_keys(session: Session, rows: list[dict[str, object]]) -> set[str]:
    if not rows:
        return set()
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = OutboxMessage.__table__
    stmt = insert(table).on_conflict_do_nothing().returning(table.c.key)  # type: ignore[arg-type]
    return set(session.scalars(stmt, rows))


# --- calendar feeds ----------------------------------------------------------------------------------------


def feed_secret(db: Database, person_id: int, now: datetime) -> str:
    """The secret of the person's calendar feed URL (created on first use): see :data:`FEED_PATH`."""
    with db.write() as session:
        feed = session.get(CalendarFeed, person_id)
        if feed is None:
            feed = CalendarFeed(person_id=person_id, secret=secrets.token_urlsafe(32), created_at=now)
            session.add(feed)
        return feed.secret


def revoke_feed(db: Database, person_id: int, now: datetime) -> str:
    """Replace the feed's secret: the old URL stops working at once. Returns the new secret."""
    with db.write() as session:
        feed = session.get(CalendarFeed, person_id)
        secret = secrets.token_urlsafe(32)
        if feed is None:
            session.add(CalendarFeed(person_id=person_id, secret=secret, created_at=now))
        else:
            feed.secret, feed.created_at = secret, now
        return secret


class _Title(BannsError):
    """A calendar event's title: a msgid and its values, rendered in the person's language like an error's."""


def calendar_feed(db: Database, secret: str, now: datetime) -> str:
    """The ICS text of the deadlines of the person whose feed has this secret.

    Raises:
        NotFoundError: no feed has this secret (wrong, or revoked).
    """
    with db.read() as session:
        person_id = session.scalar(select(CalendarFeed.person_id).where(CalendarFeed.secret == secret))
        if person_id is None:
            raise NotFoundError(N_("no calendar feed at this address; it may have been replaced"))
        ids = sorted(
            set(session.scalars(select(RoleAssignment.programme_id).where(RoleAssignment.person_id == person_id)))
        )
        facts = load_facts(session, ids) if ids else []
        language = session.get_one(Person, person_id).language
    cal = calendar_shell("banns deadlines")
    today = uk_date(now)
    for f in facts:
        for day, message, values in deadlines(f, person_id, today):
            key = english(message, dict(values))  # the English title: the same event in either language
            uid = hashlib.sha256(f"{f.id}:{key}:{day}".encode()).hexdigest()[:32] + "@banns"
            title = say(_Title(message, **dict(values)), gettext_for(language), language)
            cal.add_component(ics_event(uid, day, title, now))
    return bytes(cal.to_ical()).decode()
