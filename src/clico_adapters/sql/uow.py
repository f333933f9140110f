"""The SQL unit of work: one connection, one transaction, repositories over it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine, Executable, Insert, Table, insert
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.exc import DBAPIError, IntegrityError

from clico_core.ports import SecretBox

from .engine import AUTOCOMMIT_READS, READONLY
from .errors import RetryableConflict, is_retryable, violated_constraint
from .repositories import (
    SqlAccounts,
    SqlApiTokens,
    SqlArticles,
    SqlAssets,
    SqlAttachments,
    SqlAttempts,
    SqlAudit,
    SqlCompanies,
    SqlContracts,
    SqlKb,
    SqlKbSearch,
    SqlOutbox,
    SqlPresence,
    SqlReplyTemplates,
    SqlSessions,
    SqlSupportLevels,
    SqlTickets,
    SqlTokens,
    SqlWebhooks,
)
from .sealing import KeylessBox

ConflictHandler = Callable[[str | None], Exception | None]
AnyResult = CursorResult[*tuple[Any, ...]]


def _uuid() -> str:
    return uuid.uuid4().hex


class SqlUnitOfWork:
    """``with uow:`` opens a connection; leaving without ``commit()`` rolls back.

    ``commit()`` may be called more than once: the next statement begins a new transaction
    (some use cases commit a failure record, then raise).
    """

    def __init__(self, engine: Engine, *, readonly: bool = False,
                 new_id: Callable[[], str] = _uuid, box: SecretBox | None = None) -> None:
        self.engine = engine
        self.readonly = readonly
        self.box: SecretBox = box or KeylessBox()  # seals the secrets it stores
        self._connection: Connection | None = None
        self.companies = SqlCompanies(self)
        self.accounts = SqlAccounts(self)
        self.contracts = SqlContracts(self)
        self.assets = SqlAssets(self)
        self.tickets = SqlTickets(self)
        self.articles = SqlArticles(self)
        self.tokens = SqlTokens(self)
        self.sessions = SqlSessions(self)
        self.attempts = SqlAttempts(self)
        self.audit = SqlAudit(self)
        self.outbox = SqlOutbox(self, new_id)
        self.attachments = SqlAttachments(self)
        self.presence = SqlPresence(self)
        self.reply_templates = SqlReplyTemplates(self)
        self.support_levels = SqlSupportLevels(self)
        self.webhooks = SqlWebhooks(self)
        self.api_tokens = SqlApiTokens(self)
        self.kb = SqlKb(self)
        self.kb_search = SqlKbSearch(self)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("use the unit of work inside ``with``")
        return self._connection

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("a unit of work is not re-entrant")
        connection = self.engine.connect()
        if self.readonly:
            options: dict[str, Any] = {READONLY: True}
            if connection.get_execution_options().get(AUTOCOMMIT_READS, False):
                options["isolation_level"] = "AUTOCOMMIT"  # the pool resets it on return
            connection = connection.execution_options(**options)
        self._connection = connection
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            if self.readonly and exc_type is None:
                # A read that went well ends with COMMIT (the same for a read; nothing at
                # all in autocommit): psycopg forgets its prepared statements on every
                # ROLLBACK, and the hot reads (the session lookup) are worth keeping planned.
                connection.commit()
                return
            connection.rollback()
        except DBAPIError:
            # a dead connection must not hide the exception that is already on its way out
            if exc_type is None:
                raise
        finally:
            connection.close()

    def commit(self) -> None:
        try:
            self.connection.commit()
        except DBAPIError as error:
            _raise_conflict_if_retryable(error)
            raise

    def rollback(self) -> None:
        self.connection.rollback()

    def execute(self, statement: Executable,
                params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None
                ) -> AnyResult:
        """Run a statement in this transaction; a deadlock or serialization failure becomes
        ``RetryableConflict``, a ``ConcurrencyConflict`` (the use case may be run again)."""
        try:
            return self.connection.execute(statement, params)
        except DBAPIError as error:
            _raise_conflict_if_retryable(error)
            raise

    def execute_guarded(self, statement: Executable, on_conflict: ConflictHandler,
                        params: Mapping[str, Any] | None = None) -> AnyResult:
        """Run a write that a unique constraint may refuse; the transaction stays usable.

        ``on_conflict`` gets the violated constraint's name and returns the domain error to
        raise (None: re-raise). On PostgreSQL the write runs inside a savepoint, as a failed
        statement aborts the whole transaction there. SQLite backs out only the refused
        statement and keeps the transaction (its default ``ABORT`` conflict resolution), so
        the savepoint's two extra statements are left out. For one row to insert,
        ``insert_guarded`` is cheaper on PostgreSQL.
        """
        savepoint = self.connection.begin_nested() if self.dialect != "sqlite" else None
        try:
            result = self.connection.execute(statement, params)
        except IntegrityError as error:
            if savepoint is not None:
                savepoint.rollback()
            _raise_domain_error(error, on_conflict)
            raise
        except DBAPIError as error:
            _raise_conflict_if_retryable(error)
            raise
        if savepoint is not None:
            savepoint.commit()
        return result

    def insert_guarded(self, table: Table, row: Mapping[str, Any],
                       on_conflict: ConflictHandler) -> None:
        """Insert one row that a unique constraint may refuse, as ``execute_guarded``: a
        refusal is ``on_conflict``'s domain error and the transaction stays usable.

        On PostgreSQL the row goes in as ``INSERT … ON CONFLICT DO NOTHING``: one statement
        where a savepoint costs three. Only when it inserted nothing is the row tried again
        inside a savepoint, to learn which constraint refused it. A foreign key or check
        that refuses the row aborts the transaction there, as any failed statement does.
        """
        if self.dialect != "postgresql":
            self.execute_guarded(_insert(table), on_conflict, row)
            return
        try:
            inserted = self.connection.execute(_insert_unless_taken(table), row).rowcount
        except IntegrityError as error:
            _raise_domain_error(error, on_conflict)
            raise
        except DBAPIError as error:
            _raise_conflict_if_retryable(error)
            raise
        if inserted == 0:
            self.execute_guarded(_insert(table), on_conflict, row)


@cache
def _insert(table: Table) -> Insert:
    return insert(table)


@cache
def _insert_unless_taken(table: Table) -> Insert:
    # SQLAlchemy keeps an INSERT's row count only when asked to
    return (postgresql.insert(table).on_conflict_do_nothing()
            .execution_options(preserve_rowcount=True))


def _raise_domain_error(error: IntegrityError, on_conflict: ConflictHandler) -> None:
    """Raise the domain error ``on_conflict`` names for the refusing constraint, if any."""
    domain_error = on_conflict(violated_constraint(error))
    if domain_error is not None:
        raise domain_error from error


def _raise_conflict_if_retryable(error: DBAPIError) -> None:
    if is_retryable(error):
        raise RetryableConflict("the database aborted a conflicting transaction") from error


class SqlUnitOfWorkFactory:
    """Makes units of work over one engine (a ``clico_core.ports.UnitOfWorkFactory``)."""

    def __init__(self, engine: Engine, new_id: Callable[[], str] = _uuid,
                 box: SecretBox | None = None) -> None:
        self.engine = engine
        self.new_id = new_id
        self.box: SecretBox = box or KeylessBox()

    def __call__(self, *, readonly: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, readonly=readonly, new_id=self.new_id, box=self.box)
