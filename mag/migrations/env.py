"""Alembic environment: runs on the connection mag.db.upgrade hands it."""

from alembic import context

from mag.models import Base, include_name

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
