"""Alembic environment: run migrations on the connection :mod:`workflow.engine.schema` hands over."""

from alembic import context

from workflow.engine.models import Base
from workflow.engine.schema import load_all_models

load_all_models()
config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
