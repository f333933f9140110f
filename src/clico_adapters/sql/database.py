"""``SqlDatabase``: the engine, its migrations, the unit-of-work factory and the mail queue."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from clico_core.ports import SecretBox

from .engine import create_clico_engine
from .errors import MAX_ATTEMPTS, retrying
from .job_claims import SqlJobClaims
from .mail_queue import SqlMailQueue
from .operations import SqlOperations
from .resealing import ResealReport, reseal
from .sealing import KeylessBox
from .uow import SqlUnitOfWork, SqlUnitOfWorkFactory, _uuid
from .webhook_queue import SqlWebhookQueue

T = TypeVar("T")

DATABASE_FILE = "clico.db"
# any constant: serialises concurrent ``upgrade()`` calls from several hosts on PostgreSQL
_MIGRATION_LOCK = 0x0C11C0


def default_database_url(data_dir: Path) -> str:
    """The out-of-the-box database: a SQLite file ``clico.db`` in the data directory."""
    return f"sqlite:///{(Path(data_dir) / DATABASE_FILE).resolve()}"


def _alembic_config(connection: Connection | None = None) -> Config:
    # programmatic: no alembic.ini needed at run time; env.py takes the connection from here
    config = Config()
    config.set_main_option("script_location", "clico_adapters.sql:migrations")
    config.attributes["connection"] = connection
    return config


class SqlDatabase:
    """One SQL database: ``sqlite:///…`` or ``postgresql+psycopg://…``.

    Migrating is explicit (``upgrade()``); nothing here changes the schema on its own.
    """

    def __init__(self, engine: Engine, *, new_id: Callable[[], str] = _uuid,
                 box: SecretBox | None = None) -> None:
        self.engine = engine
        # Without a box the database stores no secret at all (see sealing.KeylessBox).
        self.box: SecretBox = box or KeylessBox()
        self.uow_factory = SqlUnitOfWorkFactory(engine, new_id, self.box)
        self.mail_queue = SqlMailQueue(engine, self.box)
        self.job_claims = SqlJobClaims(engine)
        self.webhook_queue = SqlWebhookQueue(engine, self.box)
        self.operations = SqlOperations(engine)

    @classmethod
    def from_url(cls, url: str, *, new_id: Callable[[], str] = _uuid,
                 box: SecretBox | None = None, **engine_options: Any) -> SqlDatabase:
        """An engine with the right pragmas and listeners; connects lazily. ``box`` seals
        the secrets the database keeps (``clico_adapters.secretbox.AesGcmSecretBox``)."""
        return cls(create_clico_engine(url, **engine_options), new_id=new_id, box=box)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def upgrade(self, revision: str = "head") -> None:
        """Migrate the schema (Alembic) up to ``revision``, in one transaction."""
        with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": _MIGRATION_LOCK})
            command.upgrade(_alembic_config(connection), revision)

    def downgrade(self, revision: str) -> None:
        """Migrate the schema down to ``revision`` (``"base"``: drop everything)."""
        with self.engine.begin() as connection:
            command.downgrade(_alembic_config(connection), revision)

    def current_revision(self) -> str | None:
        """The revision the database is at; None for an empty database."""
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    @staticmethod
    def head_revision() -> str | None:
        """The newest revision this version of the code ships."""
        return ScriptDirectory.from_config(_alembic_config()).get_current_head()

    def pending_migrations(self) -> bool:
        """True when the database is not at head (the server refuses to start then)."""
        return self.current_revision() != self.head_revision()

    def run(self, action: Callable[[SqlUnitOfWork], T], *, readonly: bool = False,
            attempts: int = MAX_ATTEMPTS) -> T:
        """``action(uow)`` in a unit of work, committed after it returns; run again from the
        start (at most ``attempts`` times) when the database aborts it as a deadlock or
        serialization failure. Use it for work that owns its whole transaction."""
        def once() -> T:
            with self.uow_factory(readonly=readonly) as uow:
                result = action(uow)
                uow.commit()
                return result

        return retrying(once, attempts)

    def reseal_secrets(self, batch: int = 1000) -> ResealReport:
        """Seal under the current key every stored secret that is not (a previous key's,
        or a legacy plain one), ``batch`` rows per transaction; ``clico secrets rotate``."""
        return reseal(self.engine, self.box, batch)

    def dispose(self) -> None:
        self.engine.dispose()
