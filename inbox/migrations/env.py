"""Alembic environment: runs on the engine the application hands over (never a URL from ini)."""

from alembic import context
from sqlmodel import SQLModel

import inbox.models  # noqa: F401  (registers the tables)
from inbox.db import in_models

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=in_models,
    )
    with context.begin_transaction():
        context.run_migrations()
