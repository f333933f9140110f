"""Alembic environment, driven programmatically by ``SqlDatabase.upgrade()``.

The caller passes an open connection (inside its transaction) in ``config.attributes``;
there is no alembic.ini and no offline mode.
"""

from __future__ import annotations

from alembic import context

from clico_adapters.sql.tables import metadata
from clico_adapters.sql.tables_kb import include_object

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("run migrations through clico_adapters.sql.SqlDatabase")

context.configure(connection=connection, target_metadata=metadata, compare_type=True,
                  include_object=include_object,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
