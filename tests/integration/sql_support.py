"""Helpers for the SQL adapter's integration tests: throw-away databases (the fixtures of
``conftest.py`` build on them), services over a real database, threads."""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.pool import NullPool

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import SeededSecrets, SteppingClock, SystemSecrets
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.tables import TICKET_NUMBER_SEQUENCE, metadata
from clico_core.ports import SecretBox

from ..support import World, sealing_box

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
T = TypeVar("T")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class PostgresDatabases:
    """Creates throw-away databases on the test server and drops them all at the end."""

    def __init__(self, server_url: str) -> None:
        self.server_url = make_url(server_url)
        self.engine = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.prefix = f"clico_test_{worker}_{uuid.uuid4().hex[:8]}"

    def create(self) -> str:
        name = f"{self.prefix}_{len(self.created)}"
        with self.engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.server_url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.engine.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.engine.dispose()


def empty_postgres(url: str) -> None:
    """Empty every table of a migrated PostgreSQL database and restart its sequences."""
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        connection.execute(text(f"ALTER SEQUENCE {TICKET_NUMBER_SEQUENCE} RESTART"))
    engine.dispose()


@contextmanager
def sql_world(url: str, hasher: Argon2Hasher, *, box: SecretBox | None = None,
              clock: SteppingClock | None = None) -> Iterator[tuple[World, SqlDatabase]]:
    """The core's services over the database; NullPool so every thread has its own
    connection (and the race tests are not serialised by a pool limit)."""
    db = SqlDatabase.from_url(url, poolclass=NullPool, box=box or sealing_box())
    clock = clock or SteppingClock(START)
    # seeded secrets repeat across test runs; SystemSecrets ids keep rows unique
    services = bootstrap(uow=db.uow_factory, clock=clock, secrets=_Secrets(), hasher=hasher)
    try:
        yield World(services, clock, db.mail_queue, today=TODAY), db
    finally:
        db.dispose()


class _Secrets(SeededSecrets):
    def __init__(self) -> None:
        super().__init__(42)
        self._ids = SystemSecrets()

    def new_id(self) -> str:
        return self._ids.new_id()


def race(count: int, action: Callable[[int], T]) -> list[T | BaseException]:
    """Run ``action(i)`` in ``count`` threads released together; results or exceptions."""
    barrier = threading.Barrier(count)

    def run(index: int) -> T | BaseException:
        barrier.wait()
        try:
            return action(index)
        except BaseException as error:  # the test inspects every outcome
            return error

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@contextmanager
def recorded(engine: Engine, parameters: list[object] | None = None) -> Iterator[list[str]]:
    """Every statement the engine sends while inside (BEGIN included), and its parameters."""
    statements: list[str] = []

    def record(conn, cursor, statement: str, params, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)
        if parameters is not None:
            parameters.append(params)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def query_plan(engine: Engine, statement: str, params: Any) -> str:
    """The plan of ``statement``: EXPLAIN QUERY PLAN's details (SQLite), EXPLAIN's JSON."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
            return "\n".join(str(r[-1]) for r in rows)
        plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}",
                                          params).scalar_one()
        return json.dumps(plan if not isinstance(plan, str) else json.loads(plan))


def plan_nodes(node: dict[str, Any], skip_init_plans: bool = False
               ) -> Iterator[dict[str, Any]]:
    """A PostgreSQL plan's node and all below it (InitPlans left out if asked)."""
    yield node
    for child in node.get("Plans", []):
        if not (skip_init_plans and child.get("Parent Relationship") == "InitPlan"):
            yield from plan_nodes(child, skip_init_plans)


def upgraded_database(request: Any, tmp_path_factory: Any) -> SqlDatabase:
    """An empty database at the head migration, of the engine a fixture's ``request.param``
    names ("sqlite" in a temporary file, "postgres" from ``postgres_databases``)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('explain') / 'clico.db'}"
    else:
        databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
        url = databases.create()
    db = SqlDatabase.from_url(url)
    db.upgrade()
    return db
