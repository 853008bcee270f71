"""Database connection: one SQLAlchemy engine per URL, SQLite tuned for safe concurrent use.

SQLite is the embedded default (a file in ``instance/``): WAL so readers never block the writer, full
sync so a committed change survives a power cut, a busy timeout so writers queue instead of failing, and
``BEGIN IMMEDIATE`` for units of work that write, so two writers serialise at the start of their
transaction rather than failing half-way. Any other SQLAlchemy URL (PostgreSQL) works unchanged.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from .errors import N_, InvalidError

SQLITE_BUSY_TIMEOUT_MS = 10_000
_WRITE = "banns_write"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for ``postgresql://`` URLs; leave others as given.

    Raises:
        InvalidError: the URL cannot be parsed.
    """
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError and ValueError alike
        raise InvalidError(
            N_("database URL {url} is not valid: {problem}"), field="DATABASE_URL", url=repr(url), problem=str(exc)
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; SQLite gets WAL, full sync, a busy timeout and immediate writes."""
    url = normalise_url(url)
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")

    return engine


class Database:
    """An engine and its session factory; :meth:`write` and :meth:`read` are the only ways in."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = normalise_url(url)
        #: Whether :meth:`dispose` was called: whatever reads afterwards (a view built on demand) closes
        #: the connection it opened.
        self.disposed = False
        create_private_sqlite_file(self.url)
        self.engine = make_engine(self.url, **engine_kwargs)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        event.listen(self._sessions, "before_flush", refuse_nul)
        event.listen(self._sessions, "do_orm_execute", _refuse_nul_before_statement)
        event.listen(self.engine, "before_cursor_execute", _refuse_nul_in_parameters)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction that changes data: committed on success, rolled back on any error."""
        with self._sessions() as session:
            session.connection(execution_options={_WRITE: True})  # type: ignore[misc]  # our own option
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read-only transaction, rolled back at the end."""
        with self._sessions() as session:
            try:
                yield session
            finally:
                session.rollback()

    def connect_for_writes(self) -> Connection:
        """A connection of its own whose transactions begin as writes (``BEGIN IMMEDIATE`` on SQLite), for a
        caller committing many small changes in a row (the mail relay's marks); the caller closes it."""
        return self.engine.connect().execution_options(**{_WRITE: True})

    def dispose(self) -> None:
        """Close every pooled connection (a later read opens new ones: see :attr:`disposed`)."""
        self.disposed = True
        self.engine.dispose()


def create_private_sqlite_file(url: str) -> None:
    """A SQLite database file that does not exist yet is created readable and writable by its owner only
    (SQLite gives its -wal and -shm files the same mode); other URLs are left alone."""
    parsed = make_url(url)
    name = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or name in ("", ":memory:") or name.startswith("file:"):
        return
    path = Path(name)
    if path.exists() or not path.parent.is_dir():
        return
    with contextlib.suppress(FileExistsError):  # another process made it meanwhile: keep theirs
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def refuse_nul(session: Session, *_: Any) -> None:
    """Refuse a NUL character in any text about to be saved (PostgreSQL cannot store one, and it belongs in no
    banns text): run before every flush and every statement a session executes, so the whole change fails,
    naming the field, before any of it reaches the database.

    Raises:
        InvalidError: a column (or a value inside a JSON column) of a new or changed row holds a NUL.
    """
    found = []
    for row in (*session.new, *session.dirty):
        state = inspect(row)
        for attribute in state.mapper.column_attrs:
            value = state.dict.get(attribute.key)
            if _holds_nul(value):
                found.append((not isinstance(value, str), attribute.key))
    if found:
        # the first text column, in the order rows were added (what was typed comes before the log's copy),
        # before one inside JSON (the log's data)
        raise _nul_error(min(found, key=lambda f: f[0])[1])


def _refuse_nul_before_statement(state: Any) -> None:
    """Rows waiting to be flushed are checked before a statement of the session runs (a listener may write
    with a statement of its own, copying text from them, before they are flushed)."""
    refuse_nul(state.session)


def _refuse_nul_in_parameters(
    _conn: Any, _cursor: Any, _statement: str, parameters: Any, context: Any, _many: bool
) -> None:
    """The last guard, for any statement at all: no parameter sent to the database holds a NUL."""
    rows = parameters if isinstance(parameters, list) else [parameters]
    names = getattr(getattr(context, "compiled", None), "positiontup", None) or []
    for row in rows:
        pairs = row.items() if isinstance(row, dict) else zip(names or range(len(row or ())), row or (), strict=False)
        for name, value in pairs:
            if isinstance(value, str) and "\x00" in value:
                raise _nul_error(re.sub(r"_\d+$", "", str(name)))


def _nul_error(field: str) -> InvalidError:
    label = field.replace("_", " ").capitalize()
    return InvalidError(
        N_(
            "{label} contains a NUL character (U+0000), which banns can neither store nor search for; nothing was saved"
        ),
        field,
        label=label,
    )


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(v) for v in value)
    return False
