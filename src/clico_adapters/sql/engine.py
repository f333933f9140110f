"""Engines with the connection settings each backend needs for concurrent use."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DisconnectionError

from ..files import private_directory, private_file
from ..request_context import count_statement

BUSY_TIMEOUT_MS = 10_000
PING_AFTER_IDLE_SECONDS = 5.0
READONLY = "clico_readonly"  # execution option: begin a deferred (read) transaction
# execution option: never a prepared statement on PostgreSQL, so always planned for the
# values at hand (the ticket list: how selective a company or a filter is decides its plan)
PLAN_EACH_TIME = "clico_plan_each_time"
# engine execution option: read-only units of work run without a transaction (PostgreSQL
# engines at READ COMMITTED, where a transaction gives a read nothing more)
AUTOCOMMIT_READS = "clico_autocommit_reads"
# PostgreSQL's planner costs a random page read at 4 sequential ones (spinning disks) unless
# told otherwise; its manual suggests 1.1 for solid-state storage. At 4, a page near the end
# of a view's index (the queue's last page, where few rows are expected) may be read by a
# bitmap scan and sorted instead of walked in order (docs/performance.md, "The staff
# queue"). Each connection says 1.1 unless the URL carries its own ``options``.
SSD_PLANNER_OPTIONS = "-c random_page_cost=1.1"


def create_clico_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``sqlite:///…`` (sqlite3) or ``postgresql+psycopg://…`` (psycopg 3)."""
    engine = _create(url, **kwargs)
    _count_statements(engine)
    return engine


def _count_statements(engine: Engine) -> None:
    """Each statement counts for the web request being served (the metric
    ``clico_sql_statements_per_request``), SQLite's explicit BEGIN included."""

    @event.listens_for(engine, "before_cursor_execute")
    def _counted(*_args: Any) -> None:
        count_statement()


def _create(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.get_driver_name() != "pysqlite":
            raise ValueError("SQLite URLs must use the standard sqlite3 driver: sqlite:///…")
        if parsed.database in (None, "", ":memory:") or parsed.database.startswith("file:"):
            raise ValueError("use a SQLite file: every connection must see the same database")
        # sqlite3 creates neither the directory nor a file readable by its owner only
        # (0644 under the usual umask); an empty file is a valid database, and SQLite gives
        # its -wal and -shm files the database file's mode (docs/security.md).
        private_directory(Path(parsed.database).parent)
        private_file(parsed.database)
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
                               **kwargs)
        _configure_sqlite(engine)
        _read_only_files(engine, Path(parsed.database))
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            raise ValueError("PostgreSQL URLs must use psycopg 3: postgresql+psycopg://…")
        # READ COMMITTED whatever the server's default: the writes are built for it (they
        # lock the rows they change). Every statement then takes its own snapshot, in a
        # transaction or not, so a read-only unit of work gains nothing from BEGIN and
        # COMMIT but two round trips (of a signed-in list page's four): it autocommits.
        # An engine asked for a stricter level keeps transactions for its reads.
        kwargs.setdefault("isolation_level", "READ COMMITTED")
        if "options" not in parsed.query:  # the operator's own ?options=… win
            connect_args = dict(kwargs.pop("connect_args", {}))
            connect_args.setdefault("options", SSD_PLANNER_OPTIONS)
            kwargs["connect_args"] = connect_args
        engine = create_engine(parsed, **kwargs)
        engine.update_execution_options(
            **{AUTOCOMMIT_READS: kwargs["isolation_level"] == "READ COMMITTED"})
        _ping_when_idle(engine)
        _plan_each_time_when_asked(engine)
        return engine
    raise ValueError(f"unsupported database: {parsed.get_backend_name()}")


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only if it sat idle for a while.

    ``pool_pre_ping`` would spend two round trips (BEGIN, SELECT 1) on every checkout, a
    fifth of a signed-in page on PostgreSQL. A connection that was in use seconds ago is
    alive or fails at once, and SQLAlchemy then drops every older connection of the pool;
    one left idle (the night the database restarted) is checked first and replaced.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
            dbapi_connection.commit()  # not ROLLBACK: psycopg would forget prepared statements
        except Exception as error:
            # the pool discards this connection and checks out another (or a new one)
            raise DisconnectionError("the pooled connection is gone") from error


def _plan_each_time_when_asked(engine: Engine) -> None:
    """psycopg prepares a statement from its fifth run on a connection; PostgreSQL may then
    switch it to a generic plan, made without the parameters' values. That is right for
    key lookups (the session lookup: 0.27 ms prepared against 0.64 ms) and wrong for the
    ticket list: a generic plan for one filtered view measured 57 ms where the planned one
    takes 4 ms. Statements carrying ``PLAN_EACH_TIME`` are executed unprepared."""

    @event.listens_for(engine, "do_execute")
    def _execute(cursor: Any, statement: str, parameters: Any, context: Any) -> bool | None:
        if not context.execution_options.get(PLAN_EACH_TIME, False):
            return None  # the default execution
        cursor.execute(statement, parameters, prepare=False)
        return True


def _configure_sqlite(engine: Engine) -> None:
    # SQLAlchemy's documented recipe ("Serializable isolation / Savepoints / Transactional
    # DDL"): stop pysqlite from issuing BEGIN itself, then issue our own.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; fsync at checkpoints
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock up front: two writers never both read, then
        # deadlock upgrading to write (which SQLite reports as SQLITE_BUSY at once).
        readonly = connection.get_execution_options().get(READONLY, False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


# pool record flag: this connection is read-only (its files could not be written)
READ_ONLY = "clico_read_only"


def _writable(database: Path) -> bool:
    """Can this process write the database file and make files beside it (-wal, -shm)?"""
    return os.access(database, os.W_OK) and os.access(database.parent, os.W_OK)


def _read_only_files(engine: Engine, database: Path) -> None:
    """Reads keep working on a data directory that cannot be written, and writes work again
    without a restart once it can (docs/operations.md, "Failure modes").

    SQLite opens a file it may not write read-only, by itself; its writes then fail with
    SQLITE_READONLY (the portal's "cannot save changes" page). A WAL database can only be
    read through its -shm file, though: in a read-only directory without one (the last
    connection removed it on a clean stop) every read fails with SQLITE_READONLY_DIRECTORY.
    The connection is then opened ``immutable``: nobody can write the file meanwhile (a
    writer would have to create the -wal beside it), and there is no -wal to miss.

    Such a connection stays read-only for its life, and so does every connection this
    process opens while one of them holds the -shm (SQLite shares a file's -shm among a
    process's connections): so none is kept in the pool, and the first unit of work after
    the files became writable again opens a writable one.
    """

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, record: Any, cargs: Any, cparams: Any) -> Any:
        connection = dialect.loaded_dbapi.connect(*cargs, **cparams)
        record.info[READ_ONLY] = not _writable(database)
        if not record.info[READ_ONLY]:
            return connection
        try:
            connection.execute("PRAGMA schema_version").fetchone()  # opens the WAL index
        except sqlite3.OperationalError as error:
            connection.close()
            if getattr(error, "sqlite_errorname", "") != "SQLITE_READONLY_DIRECTORY":
                raise
            uri = f"file:{quote(str(database.resolve()))}?immutable=1"
            return dialect.loaded_dbapi.connect(uri, **{**cparams, "uri": True})
        return connection

    @event.listens_for(engine, "handle_error")
    def _refused(context: Any) -> None:
        # opened while another read-only connection held the -shm: read-only as well
        name = getattr(context.original_exception, "sqlite_errorname", "")
        if name.startswith("SQLITE_READONLY") and context.connection is not None:
            context.connection.info[READ_ONLY] = True

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        if record.info.get(READ_ONLY):
            record.invalidate()  # closed now; the next checkout opens a new one
