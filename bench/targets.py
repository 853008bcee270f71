"""The databases the benchmark runs on, and the floor: the driver's own rate on the same database.

Both sides of every ratio run on the same database (one SQLite file, or one PostgreSQL database) with the
same durability: SQLite in WAL with ``synchronous=FULL`` (one ``fdatasync`` per commit), PostgreSQL with its
default ``synchronous_commit=on`` (the commit waits for the WAL flush).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from workflow.engine import schema
from workflow.engine.db import SQLITE_BUSY_TIMEOUT_MS, Database

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/bench"
SQLITE_PRAGMAS = ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


@dataclass
class Target:
    """One database: ``url`` for the engine, ``connect`` for the raw driver, ``goal`` for the ratio.

    ``prep_kwargs`` make the engine used to prepare data skip waiting for the disk (it is not measured).
    """

    name: str
    url: str
    goal: float
    connect: Callable[[], Any]
    prep_kwargs: dict[str, Any] = field(default_factory=dict)


def sqlite_target(folder: Path) -> Target:
    """A new SQLite file in ``folder``, migrated; the raw driver uses the engine's own pragmas."""
    path = folder / "bench.sqlite3"
    url = f"sqlite:///{path}"
    db = Database(url)
    schema.upgrade(db)
    db.dispose()

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        for pragma in SQLITE_PRAGMAS:
            conn.execute(f"PRAGMA {pragma}")
        return conn

    return Target("sqlite", url, 0.5, connect)


def postgres_target(url: str) -> Target | str:
    """The PostgreSQL database at ``url`` (created if missing), schema ``public`` emptied and migrated;
    or, as text, why it cannot be used."""
    parsed = make_url(url).set(drivername="postgresql")
    plain = parsed.render_as_string(hide_password=False)
    try:
        _create_database(parsed)
        with psycopg.connect(plain, autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
            conn.execute("CREATE SCHEMA public")
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return f"{parsed.render_as_string()} is unreachable ({first})"
    db = Database(plain)
    schema.upgrade(db)
    db.dispose()
    return Target(
        "postgresql",
        plain,
        0.6,
        lambda: psycopg.connect(plain),
        prep_kwargs={"connect_args": {"options": "-c synchronous_commit=off"}},
    )


def _create_database(parsed: Any) -> None:
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone()
        if found is None:
            conn.execute(f'CREATE DATABASE "{parsed.database}"')


class Raw:
    """Transactions of ``UPDATE t`` + ``INSERT INTO log`` + commit, through the driver on one connection."""

    def __init__(self, target: Target) -> None:
        self.sqlite = target.name == "sqlite"
        self.conn = target.connect()
        serial = "INTEGER PRIMARY KEY" if self.sqlite else "SERIAL PRIMARY KEY"
        self._ddl(
            "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS log (id {serial}, t_id INTEGER NOT NULL, n INTEGER NOT NULL, "
            "at TEXT NOT NULL, note TEXT NOT NULL)",
            "INSERT INTO t (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
        )
        mark = "?" if self.sqlite else "%s"
        self.insert = f"INSERT INTO log (t_id, n, at, note) VALUES (1, {mark}, {mark}, {mark})"

    def _ddl(self, *statements: str) -> None:
        if self.sqlite:
            for s in statements:
                self.conn.execute(s)
            return
        with self.conn.transaction():
            for s in statements:
                self.conn.execute(s)

    def run(self, n: int) -> float:
        """Run ``n`` transactions; transactions per second."""
        conn, insert, sqlite = self.conn, self.insert, self.sqlite
        started = time.perf_counter()
        for i in range(n):
            params = (i, datetime.now(UTC).isoformat(), "advanced")
            if sqlite:
                conn.execute("BEGIN IMMEDIATE")  # what the engine's write units begin with
            conn.execute("UPDATE t SET n = n + 1 WHERE id = 1")
            conn.execute(insert, params)
            if sqlite:
                conn.execute("COMMIT")
            else:
                conn.commit()
        return n / (time.perf_counter() - started)

    def close(self) -> None:
        self.conn.close()
