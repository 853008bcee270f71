"""The Alembic migrations build exactly the schema the models describe, on every backend we run on."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from workflow.engine import schema
from workflow.engine.db import Database
from workflow.engine.models import Base


def test_migrated_schema_matches_the_models(db: Database) -> None:
    schema.load_all_models()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], f"models and migrations disagree: {differences}"


def test_the_database_is_at_the_single_head(db: Database) -> None:
    assert len(schema.head_revisions()) == 1, "migrations have branched: give the new one the right down_revision"
    assert schema.is_current(db)
