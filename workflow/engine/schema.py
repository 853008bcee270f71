"""Database schema management through Alembic: ``banns db upgrade`` and the test fixtures use this."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, inspect, text

from .db import Database
from .errors import N_, InvalidError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent.parent / "migrations"
_REVISION = re.compile(r"^(down_)?revision: str(?: \| None)? = (?:\"(\w+)\"|None)", re.MULTILINE)


def load_all_models() -> None:
    """Import every models module (``workflow.engine.models``, ``workflow.*.models``, ``workflow.*.*_models``), so that
    ``Base.metadata`` knows every table before migrating or comparing."""
    import workflow

    for info in pkgutil.walk_packages(workflow.__path__, "workflow."):
        if info.name.rsplit(".", 1)[-1].endswith("models"):
            importlib.import_module(info.name)


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema up to ``revision``, in one transaction."""
    from alembic import command

    with migrating(db) as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "heads" if revision == "head" else revision)


def downgrade(db: Database, revision: str) -> None:
    """Take the schema back to ``revision``, in one transaction (tests of migrations use this)."""
    from alembic import command

    with migrating(db) as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


@contextmanager
def migrating(db: Database) -> Iterator[Connection]:
    """One transaction to migrate in. On SQLite, foreign keys are off meanwhile: a batch migration rebuilds a
    table by copying it and dropping the old one, and dropping ``people`` while other rows point at it would
    fail. Before committing, ``PRAGMA foreign_key_check`` must find nothing dangling, or nothing is kept."""
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw: Any = connection.connection.driver_connection
        if sqlite:
            raw.execute("PRAGMA foreign_keys=OFF")  # outside any transaction, where SQLite honours it
        try:
            with connection.begin():
                yield connection
                if sqlite and (dangling := connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                    raise InvalidError(
                        N_("the migration left rows pointing at nothing: {rows}"), rows=str(dangling[:5])
                    )
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")


def current_revisions(db: Database) -> frozenset[str]:
    """The revisions the database is at (several while branches are open; none before the first)."""
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return frozenset()
        return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


@cache
def head_revisions() -> frozenset[str]:
    """The newest revisions in the code: read from the migration files' ``revision`` and ``down_revision``
    lines rather than through Alembic, whose import costs a command that only reads a third of a second.
    (``tests/house`` checks this agrees with Alembic's own answer.)"""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for down, name in _REVISION.findall(path.read_text(encoding="utf-8")):
            (parents if down else revisions).add(name)
    return frozenset(revisions - parents)


def alembic_heads() -> frozenset[str]:
    """The newest revisions as Alembic sees them."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(_config()).get_heads())


def is_current(db: Database) -> bool:
    return current_revisions(db) == head_revisions()


def revise(db: Database, message: str) -> None:
    """Autogenerate a new migration from the models (developers: ``make migration m="..."``)."""
    from alembic import command

    with db.engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
