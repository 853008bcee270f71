"""A repeat scan on the same day reads only the programmes that changed since (their version moved), yet
never misses a reminder a change made due: the outbox after every scan is what a scan from scratch writes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from reminders_support import EXAMPLE
from sqlalchemy import event, func, select

from workflow.accounts.service import Accounts
from workflow.engine.db import Database
from workflow.engine.importer import load_programme
from workflow.engine.permissions import SYSTEM
from workflow.engine.programmes import Programmes
from workflow.reminders.models import OutboxMessage
from workflow.reminders.scan import forget, scan

DAY = datetime(2027, 2, 19, 9, 0, tzinfo=UTC)  # the example's courtship ends on 5 March: warnings are due


def warnings(db: Database) -> int:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "stage_end"))
            or 0
        )


def statements_of_scan(db: Database, now: datetime) -> tuple[int, int]:
    """How many reminders the scan found due, and how many statements it sent."""
    sent: list[str] = []

    def count(*args: Any) -> None:
        sent.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        due = scan(db, now)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return due, len(sent)


def from_scratch(db: Database, now: datetime) -> int:
    """What a new process's first scan finds due (and writes, if anything was missed)."""
    forget()
    return scan(db, now)


def test_a_repeat_scan_reads_only_what_changed_and_misses_nothing(
    programmes: Programmes, db: Database, clock: Any
) -> None:
    spec, located = load_programme(EXAMPLE)
    ids = [programmes.start(spec.model_copy(update={"name": f"Programme {n}"}), located).id for n in range(4)]
    later = programmes.get(ids[3])
    far = {"courtship": (date(2027, 1, 4), date(2027, 12, 17))}
    programmes.edit(ids[3], name=later.name, description=later.description, plan=far)

    clock.now = DAY
    first, first_statements = statements_of_scan(db, clock())
    assert first == 3 * 2 and warnings(db) == 6, "two managers of each programme but the one planned far off"

    again, again_statements = statements_of_scan(db, clock())
    assert again == first and warnings(db) == 6
    assert again_statements <= 3 < first_statements, "nothing new: only the marks and the versions are read"

    # the same day, the far programme's stage is brought forward: its managers are warned at the next scan
    soon = {"courtship": (date(2027, 1, 4), date(2027, 2, 26))}
    programmes.edit(ids[3], name=later.name, description=later.description, plan=soon)
    assert scan(db, clock()) == 8 and warnings(db) == 8
    assert from_scratch(db, clock()) == 8 and warnings(db) == 8, "nothing was missed"

    # a programme started the same day with its stage ending soon is warned at once
    started = programmes.start(spec.model_copy(update={"name": "Started today"}), located)
    programmes.edit(started.id, name=started.name, description=started.description, plan=soon)
    assert scan(db, clock()) == 10 and warnings(db) == 10

    # a site event (an account deactivated) makes the next scan read everything: a manager of each is gone
    manager = next(r.person_id for r in started.roles if r.role == "programme_manager")
    Accounts(db).deactivate(manager, clock(), actor=SYSTEM)
    after_deactivation = scan(db, clock())
    assert after_deactivation == from_scratch(db, clock())
    assert warnings(db) == 10, "nothing is written twice"

    # the next day, everything is read again
    assert scan(db, datetime(2027, 2, 22, 9, 0, tzinfo=UTC)) == from_scratch(
        db, datetime(2027, 2, 22, 9, 0, tzinfo=UTC)
    )
