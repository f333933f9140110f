"""SQL persistence: SQLAlchemy Core tables and explicit mappers for SQLite and PostgreSQL.

    db = SqlDatabase.from_url(url)   # sqlite:///path/clico.db or postgresql+psycopg://…
    db.upgrade()                     # explicit: Alembic to head
    services = bootstrap(uow=db.uow_factory)
"""

from .database import SqlDatabase, default_database_url
from .errors import RetryableConflict
from .mail_queue import SqlMailQueue
from .uow import SqlUnitOfWork, SqlUnitOfWorkFactory

__all__ = [
    "RetryableConflict", "SqlDatabase", "SqlMailQueue", "SqlUnitOfWork", "SqlUnitOfWorkFactory",
    "default_database_url",
]
