"""Alembic environment: the engine comes from gridwatch.db.engine, never from an ini file.

On PostgreSQL the version table is pinned to the connection's current schema: otherwise a store in a
schema of its own would see another schema's `alembic_version` through the search_path and skip its
migrations.
"""

from alembic import context

from gridwatch.db.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    schema = None
    if connection.dialect.name == "postgresql":
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        version_table_schema=schema,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
