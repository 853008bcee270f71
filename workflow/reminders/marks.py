"""How the relay records what became of each message of a batch: on one connection, each message's mark
committed as soon as its outcome is known, without waiting for the disk, and the batch's last mark flushed.

Why not one transaction for the whole batch: an uncommitted transaction dies with its process, so a relay
killed half-way through a batch would send every message of it again. A commit that is not flushed
survives the process (SQLite in WAL appends it to the -wal file through the operating system, PostgreSQL
holds it in the server): only a crash of the machine (or of the PostgreSQL server) can lose it. So:

- a killed relay process re-sends at most the one message in flight (accepted by the server, not yet
  marked), as before;
- a power cut re-sends at most the messages marked since the last flushed commit, i.e. one batch: the
  batch's last mark is flushed (SQLite: ``synchronous=FULL`` for that commit, which syncs the whole -wal
  file; PostgreSQL: ``synchronous_commit`` back on, which flushes the WAL up to it), and so is the next
  batch's claim;
- nothing is ever lost: a lost mark leaves its message ``sending``, claimed again when its lease ends.

The price of a mark is a small commit, not an fsync: the relay keeps pace with the SMTP server.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, update

from workflow.engine.db import Database

from .models import SENDING, OutboxMessage

#: The statements that relax and restore the flushing of each commit, per database.
_RELAX = {"sqlite": "PRAGMA synchronous=NORMAL", "postgresql": "SET synchronous_commit = off"}
_RESTORE = {"sqlite": "PRAGMA synchronous=FULL", "postgresql": "RESET synchronous_commit"}


class Marks:
    """The marks of one batch, on a connection of their own (returned to the pool restored by :meth:`close`)."""

    def __init__(self, db: Database) -> None:
        self.conn: Connection = db.connect_for_writes()
        self.dialect = self.conn.dialect.name
        self.relaxed = False

    def write(self, row_id: int, values: dict[str, Any], *, flush: bool = False) -> None:
        """Commit one message's outcome now (if it is still ``sending``); ``flush``: wait for the disk."""
        self.write_many([(row_id, values)], flush=flush)

    def write_many(self, marks: Sequence[tuple[int, dict[str, Any]]], *, flush: bool = False) -> None:
        """Commit several messages' outcomes in one transaction (``flush``: waiting for the disk)."""
        if not marks:
            return
        self._set(relaxed=not flush)
        for row_id, values in marks:
            params = {f"new_{column}": value for column, value in values.items()}
            self.conn.execute(_mark(tuple(sorted(values))), {"row_id": row_id, **params})
        self.conn.commit()

    def close(self) -> None:
        """Restore the connection's flushing and give it back. If that fails (a mark failed half-way and the
        database is unwell), the connection is discarded instead, so no relaxed connection reaches the pool,
        and the error that stopped the batch is the one reported."""
        try:
            self.conn.rollback()  # whatever a failed mark left open (nothing, after a commit)
            self._set(relaxed=False)
        except Exception:
            self.conn.invalidate()
        finally:
            self.conn.close()

    def _set(self, *, relaxed: bool) -> None:
        if relaxed == self.relaxed:
            return
        sql = (_RELAX if relaxed else _RESTORE).get(self.dialect)
        if sql is not None:
            if self.dialect == "sqlite":  # SQLite refuses it inside a transaction: straight to the driver
                self.conn.connection.driver_connection.execute(sql)  # type: ignore[union-attr]
            else:
                self.conn.exec_driver_sql(sql)
                self.conn.commit()
        self.relaxed = relaxed


_STATEMENTS: dict[tuple[str, ...], Any] = {}


def _mark(columns: tuple[str, ...]) -> Any:
    """The UPDATE of one message still ``sending`` setting ``columns`` (built once per set of columns)."""
    stmt = _STATEMENTS.get(columns)
    if stmt is None:
        stmt = (
            update(OutboxMessage)
            .where(OutboxMessage.id == bindparam("row_id"), OutboxMessage.status == SENDING)
            .values({c: bindparam(f"new_{c}") for c in columns})
        )
        _STATEMENTS[columns] = stmt
    return stmt
