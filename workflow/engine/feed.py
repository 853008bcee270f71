"""One feed of events across every programme a person may see, by a global cursor (the events' ids, which
only grow), for a client that follows all its programmes at once rather than one by one.

Visibility is the history's rule (:data:`.permissions.POLICY`): an admin sees every programme's events, anyone
else those of the programmes where they hold a role that may read the history. It is one query, the role
filter a subquery, walked in the events' primary key order from the cursor: a page costs its own rows, not
the log's length. The site's own events (accounts, admin rights) belong to no programme and are never in it.

A limit, on PostgreSQL only: ids come from a sequence when the event is written, so a change to one programme
that took a lower id but commits after a change to another (taken later, committed first) can appear behind a
cursor already past it. Changes to one programme are serialised (its row is locked), so this needs two
programmes changed in the same instant. SQLite writers are serialised, so ids commit in order there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Event, RoleAssignment
from .permissions import POLICY, Actor
from .view_builder import event_view
from .views import EventView


@dataclass(frozen=True)
class FeedEvent:
    """An event of the feed: its global ``id`` (the cursor), its programme, and the event itself."""

    id: int
    programme_id: int
    event: EventView


def feed(session: Session, actor: Actor, after: int, limit: int) -> list[FeedEvent]:
    """At most ``limit`` events with an id above ``after``, of programmes ``actor`` may read the history of,
    oldest first."""
    stmt = select(Event).where(Event.id > after, Event.programme_id.is_not(None)).order_by(Event.id).limit(limit)
    if not actor.is_admin:
        readable = select(RoleAssignment.programme_id).where(
            RoleAssignment.person_id == actor.person_id, RoleAssignment.role.in_(sorted(POLICY["history"]))
        )
        stmt = stmt.where(Event.programme_id.in_(readable))
    return [FeedEvent(e.id, e.programme_id or 0, event_view(e)) for e in session.scalars(stmt)]
