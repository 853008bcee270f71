"""Insert-if-absent for the outbox and its tokens: a row whose unique key is already present is skipped, so
writing the same occurrence twice sends it once (``ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import HELD, INDIVIDUAL, PENDING, MailPreference, OutboxMessage


def insert_if_absent(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows, silently skipping any that collide with a unique key already present."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(postgresql.insert(table).on_conflict_do_nothing(), list(rows))
        return
    if dialect == "sqlite":
        session.execute(sqlite.insert(table).on_conflict_do_nothing(), list(rows))
        return
    for row in rows:  # any other database: a savepoint per row, a duplicate rolled back alone
        try:
            with session.begin_nested():
                session.execute(table.insert(), row)
        except IntegrityError:
            continue


def modes(session: Session, person_ids: Iterable[int]) -> dict[int, str]:
    """Each person's mail preference (individual where none is set)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    found = dict(
        session.execute(
            select(MailPreference.person_id, MailPreference.mode).where(MailPreference.person_id.in_(ids))
        ).all()
    )
    return {i: found.get(i, INDIVIDUAL) for i in ids}


#: A message's status from its recipient's preference (``status_of``: their person id), in the insert.
_PREFERRED_STATUS = func.coalesce(
    select(case((MailPreference.mode == INDIVIDUAL, PENDING), else_=HELD))
    .where(MailPreference.person_id == bindparam("status_of"))
    .scalar_subquery(),
    PENDING,
)
_OUTBOX = cast(Table, OutboxMessage.__table__)
_INSERT_AS_PREFERRED = {
    "postgresql": postgresql.insert(_OUTBOX).values(status=_PREFERRED_STATUS).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(_OUTBOX).values(status=_PREFERRED_STATUS).on_conflict_do_nothing(),
}


def insert_as_preferred(session: Session, messages: list[dict[str, Any]]) -> None:
    """Insert-if-absent outbox rows whose status follows each recipient's mail preference (individual:
    pending, a digest: held), in one statement on SQLite and PostgreSQL."""
    if not messages:
        return
    stmt = _INSERT_AS_PREFERRED.get(session.get_bind().dialect.name)
    if stmt is None:  # any other database: the preferences read first, then the generic insert
        prefs = modes(session, (m["person_id"] for m in messages))
        rows = [{**m, "status": PENDING if prefs[m["person_id"]] == INDIVIDUAL else HELD} for m in messages]
        insert_if_absent(session, _OUTBOX, rows)
        return
    rows = []
    for m in messages:
        row = {**m, "status_of": m["person_id"]}
        del row["status"]
        rows.append(row)
    session.execute(stmt, rows)
