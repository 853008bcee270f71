"""The RAID log: a programme's risks, assumptions, issues and dependencies.

Each entry has an owner (a person on the programme), a likelihood and an impact from 1 to 5, and so a
rating (likelihood times impact, 1 to 25) in a band, the usual 5 by 5 matrix:

=========  ========
rating     band
=========  ========
1 to 4     low
5 to 9     medium
10 to 15   high
16 to 25   very high
=========  ========

Programme managers and the chair add and edit any entry; an owner edits, closes and reopens their own; everyone
else on the programme reads. Every change goes through the engine's unit of work as one event with its actor.
An open entry's review date asks the reminders for one email to its owner (:func:`review_notices`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.engine.db import Database
from workflow.engine.errors import N_, InvalidError, NotAllowedError, NotFoundError, Word
from workflow.engine.models import Person, Programme
from workflow.engine.notices import DatedNotice
from workflow.engine.permissions import SYSTEM, Actor, may
from workflow.engine.registry import Registry
from workflow.engine.text import check_day, is_id, no_nul, single_line
from workflow.engine.unit_of_work import Listener, ProgrammeChanges

from .raid_models import RaidEntry

KINDS = ("risk", "assumption", "issue", "dependency")
#: (lowest rating in the band, band), highest first.
BANDS = ((16, "very high"), (10, "high"), (5, "medium"), (1, "low"))
STATUSES = ("open", "closed", "all")
SORTS = ("rating", "review", "title", "newest")
TOP_RISKS = 5
#: the names of the scored fields, as a person reads them
SCORES = {"likelihood": N_("likelihood"), "impact": N_("impact")}
Clock = Callable[[], datetime]


def band(rating: int) -> str:
    """The band of a rating from 1 to 25.

    Raises:
        ValueError: the rating is outside 1 to 25.
    """
    if not 1 <= rating <= 25:
        raise ValueError(f"a rating is from 1 to 25, not {rating}")
    return next(name for lowest, name in BANDS if rating >= lowest)


@dataclass(frozen=True)
class RaidFields:
    """What a person types for an entry."""

    kind: str
    title: str
    owner_id: int
    likelihood: int
    impact: int
    description: str = ""
    mitigation: str = ""
    review_on: date | None = None


@dataclass(frozen=True)
class RaidEntryView:
    id: int
    programme_id: int
    kind: str
    title: str
    description: str
    owner_id: int
    owner_name: str
    likelihood: int
    impact: int
    rating: int
    band: str
    mitigation: str
    review_on: date | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    closed_note: str

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def _check(fields_: RaidFields) -> RaidFields:
    if fields_.kind not in KINDS:
        raise InvalidError(N_("kind '{kind}' is not one of: {options}"), field="kind", kind=fields_.kind, options=KINDS)
    title = single_line(fields_.title.strip(), "title")
    if not title:
        raise InvalidError(N_("enter a title"), field="title")
    if len(title) > 200:
        raise InvalidError(N_("a title is at most 200 characters"), field="title")
    for name, label in SCORES.items():
        value = getattr(fields_, name)
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise InvalidError(
                N_("{name} must be a whole number from 1 to 5, not {value}"),
                field=name,
                name=Word(label),
                value=repr(value),
            )
    if fields_.review_on is not None:
        check_day(fields_.review_on, "review_on", Word(N_("review date")))
    return RaidFields(
        fields_.kind,
        title,
        fields_.owner_id,
        fields_.likelihood,
        fields_.impact,
        no_nul(fields_.description.strip(), "description"),
        no_nul(fields_.mitigation.strip(), "mitigation"),
        fields_.review_on,
    )


def _owner(session: Session, programme: Programme, owner_id: int) -> Person:
    person = session.get(Person, owner_id) if is_id(owner_id) else None
    if person is None or all(r.person_id != owner_id for r in programme.roles):
        raise InvalidError(
            N_("the owner (person {owner_id}) is not on programme {programme_id}; choose a person on the programme"),
            field="owner",
            owner_id=owner_id,
            programme_id=programme.id,
        )
    return person


def _view(row: RaidEntry, owner: str) -> RaidEntryView:
    rating = row.likelihood * row.impact
    return RaidEntryView(
        row.id,
        row.programme_id,
        row.kind,
        row.title,
        row.description,
        row.owner_id,
        owner,
        row.likelihood,
        row.impact,
        rating,
        band(rating),
        row.mitigation,
        row.review_on,
        row.created_at,
        row.updated_at,
        row.closed_at,
        row.closed_note,
    )


def _sorted(entries: list[RaidEntryView], sort: str) -> list[RaidEntryView]:
    if sort == "review":
        return sorted(entries, key=lambda e: (e.review_on is None, e.review_on or date.max, -e.rating, e.id))
    if sort == "title":
        return sorted(entries, key=lambda e: (e.title.casefold(), e.id))
    if sort == "newest":
        return sorted(entries, key=lambda e: -e.id)
    return sorted(entries, key=lambda e: (-e.rating, -e.impact, e.id))


class RaidLog:
    """Use cases on a programme's RAID log."""

    def __init__(
        self,
        db: Database,
        registry: Registry,
        clock: Clock = lambda: datetime.now(UTC),
        listeners: Sequence[Listener] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.changes = ProgrammeChanges(db, registry, clock, listeners)

    # --- reading ---------------------------------------------------------------------------------------

    def entries(
        self, programme_id: int, actor: Actor = SYSTEM, *, status: str = "open", sort: str = "rating"
    ) -> tuple[RaidEntryView, ...]:
        """The programme's entries: ``status`` open, closed or all; ``sort`` by rating (highest first), review
        date, title or newest.

        Raises:
            InvalidError: unknown status or sort. NotFoundError, NotAllowedError.
        """
        if status not in STATUSES:
            raise InvalidError(
                N_("status '{status}' is not one of: {options}"), field="status", status=status, options=STATUSES
            )
        if sort not in SORTS:
            raise InvalidError(N_("sort '{sort}' is not one of: {options}"), field="sort", sort=sort, options=SORTS)
        with self.db.read() as session:
            self._read(session, programme_id, actor)
            stmt = (
                select(RaidEntry, Person.name)
                .join(Person, Person.id == RaidEntry.owner_id)
                .where(RaidEntry.programme_id == programme_id)
            )
            if status != "all":
                is_open = RaidEntry.closed_at.is_(None)
                stmt = stmt.where(is_open if status == "open" else ~is_open)
            return tuple(_sorted([_view(row, name) for row, name in session.execute(stmt)], sort))

    def entry(self, programme_id: int, entry_id: int, actor: Actor = SYSTEM) -> RaidEntryView:
        """One entry.

        Raises:
            NotFoundError: no such programme or entry in it. NotAllowedError.
        """
        with self.db.read() as session:
            self._read(session, programme_id, actor)
            row = _find(session, programme_id, entry_id)
            return _view(row, session.get_one(Person, row.owner_id).name)

    def top_risks(self, programme_id: int, actor: Actor = SYSTEM, limit: int = TOP_RISKS) -> tuple[RaidEntryView, ...]:
        """The open risks with the highest ratings, for the highlight report."""
        return tuple(e for e in self.entries(programme_id, actor) if e.kind == "risk")[:limit]

    def may_edit(self, programme_id: int, entry: RaidEntryView | None, actor: Actor) -> bool:
        """Whether ``actor`` may change ``entry`` (or, with ``None``, add entries)."""
        with self.db.read() as session:
            programme = self._read(session, programme_id, actor)
            return _may_edit(programme, actor, entry.owner_id if entry else None)

    # --- changing --------------------------------------------------------------------------------------

    def add(self, programme_id: int, given: RaidFields, actor: Actor = SYSTEM) -> RaidEntryView:
        """Add an entry.

        Raises:
            InvalidError: a field is wrong (named). NotAllowedError: only managers and the chair add.
        """
        checked = _check(given)
        with self.changes.change(programme_id, actor, "edit_raid", "raid_added") as change:
            owner = _owner(change.session, change.programme, checked.owner_id)
            now = self.clock()
            row = RaidEntry(programme_id=programme_id, created_at=now, updated_at=now, closed_note="")
            _apply(row, checked)
            change.session.add(row)
            change.session.flush()
            change.data.update(_facts(row))
            return _view(row, owner.name)

    def edit(self, programme_id: int, entry_id: int, given: RaidFields, actor: Actor = SYSTEM) -> RaidEntryView:
        """Change an entry's fields; the event names the fields that changed.

        Raises:
            InvalidError, NotFoundError, NotAllowedError: only managers, the chair and its owner edit.
        """
        checked = _check(given)
        with self.changes.change(programme_id, actor, "view", "raid_changed") as change:
            row = self._editable(change.session, change.programme, entry_id, actor)
            owner = _owner(change.session, change.programme, checked.owner_id)
            before = _snapshot(row)
            _apply(row, checked)
            row.updated_at = self.clock()
            change.data.update(_facts(row), changed=sorted(k for k, v in _snapshot(row).items() if before[k] != v))
            return _view(row, owner.name)

    def close(self, programme_id: int, entry_id: int, note: str, actor: Actor = SYSTEM) -> RaidEntryView:
        """Close an open entry with a note saying why.

        Raises:
            InvalidError: no note, or already closed. NotFoundError, NotAllowedError.
        """
        note = no_nul(note.strip(), "note")
        if not note:
            raise InvalidError(N_("closing an entry needs a note saying why"), field="note")
        return self._status(programme_id, entry_id, actor, note, close=True)

    def reopen(self, programme_id: int, entry_id: int, actor: Actor = SYSTEM, note: str = "") -> RaidEntryView:
        """Reopen a closed entry (its closing note is kept in the log).

        Raises:
            InvalidError: the entry is open. NotFoundError, NotAllowedError.
        """
        return self._status(programme_id, entry_id, actor, no_nul(note.strip(), "note"), close=False)

    def _status(self, programme_id: int, entry_id: int, actor: Actor, note: str, *, close: bool) -> RaidEntryView:
        kind = "raid_closed" if close else "raid_reopened"
        with self.changes.change(programme_id, actor, "view", kind, note) as change:
            row = self._editable(change.session, change.programme, entry_id, actor)
            if (row.closed_at is not None) == close:
                already = N_("entry {entry_id} is already closed") if close else N_("entry {entry_id} is already open")
                raise InvalidError(already, field="note", entry_id=entry_id)
            row.closed_at, row.closed_note = (self.clock(), note) if close else (None, "")
            row.updated_at = self.clock()
            change.data.update(_facts(row))
            return _view(row, change.session.get_one(Person, row.owner_id).name)

    # --- helpers ---------------------------------------------------------------------------------------

    def _read(self, session: Session, programme_id: int, actor: Actor) -> Programme:
        programme, _ = self.changes._load(session, programme_id, lock=False)
        self.changes._authorise(programme, actor, "view")
        return programme

    def _editable(self, session: Session, programme: Programme, entry_id: int, actor: Actor) -> RaidEntry:
        row = _find(session, programme.id, entry_id)
        if not _may_edit(programme, actor, row.owner_id):
            raise NotAllowedError(
                N_("{actor} may not change entry {entry_id}: programme managers, the chair and its owner may"),
                actor=actor.name,
                entry_id=entry_id,
            )
        return row


def _may_edit(programme: Programme, actor: Actor, owner_id: int | None) -> bool:
    held = [r.role for r in programme.roles if r.person_id == actor.person_id]
    return may(actor, "edit_raid", held) or (owner_id is not None and actor.person_id == owner_id)


def _find(session: Session, programme_id: int, entry_id: int) -> RaidEntry:
    row = session.get(RaidEntry, entry_id) if is_id(entry_id) else None
    if row is None or row.programme_id != programme_id:
        raise NotFoundError(
            N_("programme {programme_id} has no RAID entry {entry_id}"), programme_id=programme_id, entry_id=entry_id
        )
    return row


def _apply(row: RaidEntry, given: RaidFields) -> None:
    for f in fields(given):
        setattr(row, f.name, getattr(given, f.name))


def _snapshot(row: RaidEntry) -> dict[str, Any]:
    return {f.name: getattr(row, f.name) for f in fields(RaidFields)}


def _facts(row: RaidEntry) -> dict[str, Any]:
    return {
        "entry": row.id,
        "raid_kind": row.kind,
        "title": row.title,
        "owner_id": row.owner_id,
        "likelihood": row.likelihood,
        "impact": row.impact,
        "rating": row.likelihood * row.impact,
        "review_on": row.review_on.isoformat() if row.review_on else None,
    }


def review_notices(session: Session, programme_ids: list[int] | None) -> list[DatedNotice]:
    """A ``banns.dated_notices`` source: one notice per open entry with a review date, to its owner. The
    reminders decide the day it is sent (a working day on or before the review date) and send it once."""
    stmt = (
        select(RaidEntry, Programme.name)
        .join(Programme, Programme.id == RaidEntry.programme_id)
        .where(RaidEntry.closed_at.is_(None), RaidEntry.review_on.isnot(None))
    )
    if programme_ids is not None:
        stmt = stmt.where(RaidEntry.programme_id.in_(programme_ids))
    found = []
    for row, programme in session.execute(stmt):
        assert row.review_on is not None
        rating = row.likelihood * row.impact
        values = {
            "programme": programme,
            "kind": row.kind,
            "title": row.title,
            "rating": rating,
            "band": band(rating),
            "day": row.review_on,
        }
        key = f"raid.{row.id}"
        found.append(DatedNotice(row.programme_id, row.owner_id, key, "raid_review", row.review_on, values))
    return found
