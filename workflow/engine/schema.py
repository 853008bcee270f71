"""Database schema management through Alembic: ``banns db upgrade`` and the test fixtures use this."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from .db import Database

MIGRATIONS = Path(__file__).parent.parent / "migrations"


def load_all_models() -> None:
    """Import every ``models`` module of the engine (``workflow.engine.models``, ``workflow.*.models``), so that
    ``Base.metadata`` knows every table before migrating or comparing."""
    import workflow

    for info in pkgutil.walk_packages(workflow.__path__, "workflow."):
        if info.name.rsplit(".", 1)[-1].endswith("models"):  # models, raid_models, ...
            importlib.import_module(info.name)


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema up to ``revision``, in one transaction."""
    with db.engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "heads" if revision == "head" else revision)


def current_revisions(db: Database) -> frozenset[str]:
    """The revisions the database is at (several while branches are open)."""
    with db.engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


def head_revisions() -> frozenset[str]:
    """The newest revisions in the code."""
    return frozenset(ScriptDirectory.from_config(_config()).get_heads())


def is_current(db: Database) -> bool:
    return current_revisions(db) == head_revisions()


def revise(db: Database, message: str) -> None:
    """Autogenerate a new migration from the models (developers: ``make migration m="..."``)."""
    with db.engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
