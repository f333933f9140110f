"""PostgreSQL connections in the pool: a connection left idle is checked before use and
replaced when the server dropped it; a read that ends well keeps psycopg's prepared
statements (it ends with COMMIT, not ROLLBACK); reads run without a transaction at READ
COMMITTED and the connection is transactional again for the next write."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from clico_adapters.sql import SqlDatabase
from clico_adapters.sql import engine as engine_module
from clico_core.tickets import Priority, TicketQuery, TicketScope

from .sql_support import PostgresDatabases


@pytest.fixture
def database(postgres_databases: PostgresDatabases) -> Iterator[SqlDatabase]:
    db = SqlDatabase.from_url(postgres_databases.create())
    db.upgrade()
    yield db
    db.dispose()


def _backend_pid(db: SqlDatabase) -> int:
    with db.uow_factory(readonly=True) as uow:
        return int(uow.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(db: SqlDatabase, pid: int) -> None:
    killer = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    with killer.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"),
                                  {"pid": pid}).scalar_one()
    killer.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced_unnoticed(
        database: SqlDatabase, monkeypatch: pytest.MonkeyPatch) -> None:
    dropped = _backend_pid(database)
    _terminate(database, dropped)
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)  # it counts as idle
    assert _backend_pid(database) != dropped  # no error: the ping found it dead


def test_a_busy_connection_is_not_pinged_and_a_dead_one_fails_once(
        database: SqlDatabase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 3600.0)
    pings: list[str] = []
    database.engine.dialect.do_ping = lambda c: pings.append("ping") or True  # type: ignore
    dropped = _backend_pid(database)
    _backend_pid(database)
    assert pings == []  # used a moment ago: no extra round trip
    _terminate(database, dropped)
    with pytest.raises(DBAPIError):
        _backend_pid(database)
    assert _backend_pid(database) != dropped  # the pool dropped it; the next read works


def _clock_moves_within(db: SqlDatabase, *, readonly: bool) -> bool:
    """Whether ``now()`` (the start of the current transaction) moves between two statements
    of one unit of work: it does only when each statement is a transaction of its own."""
    with db.uow_factory(readonly=readonly) as uow:
        first = uow.execute(text("SELECT now()")).scalar_one()
        uow.execute(text("SELECT pg_sleep(0.01)"))
        return bool(uow.execute(text("SELECT now()")).scalar_one() != first)


def test_reads_autocommit_and_the_next_write_on_that_connection_is_one_transaction(
        postgres_databases: PostgresDatabases) -> None:
    url = postgres_databases.create()
    with postgres_databases.engine.connect() as admin:  # a stricter default on the server
        admin.execute(text(f'ALTER DATABASE "{make_url(url).database}" '
                           "SET default_transaction_isolation = 'repeatable read'"))
    db = SqlDatabase.from_url(url, pool_size=1, max_overflow=0)
    try:
        assert _clock_moves_within(db, readonly=True)  # no BEGIN, no COMMIT: two round trips
        assert not _clock_moves_within(db, readonly=False)  # the same pooled connection
        assert _clock_moves_within(db, readonly=True)
        with db.uow_factory() as uow:
            isolation = uow.execute(text("SHOW transaction_isolation")).scalar_one()
        assert isolation == "read committed"  # the engine's own, not the server's
    finally:
        db.dispose()


def test_an_engine_asked_for_a_stricter_level_keeps_transactions_for_reads(
        postgres_databases: PostgresDatabases) -> None:
    db = SqlDatabase.from_url(postgres_databases.create(), isolation_level="REPEATABLE READ")
    try:
        assert not _clock_moves_within(db, readonly=True)  # one snapshot for the whole read
    finally:
        db.dispose()


def test_reads_keep_prepared_statements(database: SqlDatabase) -> None:
    with database.uow_factory(readonly=True) as uow:
        raw = uow.connection.connection.dbapi_connection
        assert raw is not None
    for _ in range(8):  # psycopg prepares a statement from its fifth run
        with database.uow_factory(readonly=True) as uow:
            uow.sessions.get_with_holder("nobody", date(2026, 1, 1))
    with database.uow_factory(readonly=True) as uow:
        prepared = uow.execute(text(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%sessions%'"
        )).scalar_one()
    assert prepared >= 1


def test_the_ticket_list_is_never_prepared(database: SqlDatabase) -> None:
    """A generic plan (made without the values) for the list measured 14x slower than the
    planned one: list statements run unprepared, the session lookup prepared."""
    scope = TicketScope(frozenset({"co-1"}))
    for _ in range(8):
        with database.uow_factory(readonly=True) as uow:
            uow.tickets.page_for(scope, TicketQuery(priority=Priority.HIGH))
            uow.sessions.get_with_holder("nobody", date(2026, 1, 1))
    with database.uow_factory(readonly=True) as uow:
        statements = list(uow.execute(text(
            "SELECT statement FROM pg_prepared_statements")).scalars())
    assert any("FROM sessions" in s for s in statements), statements
    assert not any("FROM tickets" in s for s in statements), statements
