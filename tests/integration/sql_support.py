"""Helpers for the SQL adapter's integration tests: services over a real database, threads."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.pool import NullPool

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import SeededSecrets, SteppingClock, SystemSecrets
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_core.ports import SecretBox

from ..support import World, sealing_box

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
T = TypeVar("T")


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
