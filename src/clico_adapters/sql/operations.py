"""What operators ask the database directly: workers' heartbeats, its clock, gauges.

None of it is domain data: /readyz reads the newest heartbeat, ``clico doctor`` compares
the database's clock with ours, /metrics reads two gauges at scrape time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, func, insert, select, text, update
from sqlalchemy.engine import Connection

from clico_core.tickets import TicketStatus

from .engine import READONLY
from .errors import retrying
from .tables import tickets, worker_heartbeats

HEARTBEAT_KEPT = timedelta(days=1)  # a worker gone this long leaves no row behind


@contextlib.contextmanager
def _reading(engine: Engine) -> Iterator[Connection]:
    """A read: on SQLite a deferred transaction, never the write lock /readyz must not take."""
    with engine.connect() as connection:
        yield connection.execution_options(**{READONLY: True})


class SqlOperations:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def beat(self, worker: str, now: datetime) -> None:
        """Record that ``worker`` is alive at ``now`` (and forget workers long gone)."""
        def write() -> None:
            with self.engine.begin() as connection:
                changed = connection.execute(
                    update(worker_heartbeats).where(worker_heartbeats.c.worker == worker)
                    .values(beat_at=now)).rowcount
                if not changed:
                    connection.execute(insert(worker_heartbeats).values(worker=worker,
                                                                        beat_at=now))
                connection.execute(delete(worker_heartbeats).where(
                    worker_heartbeats.c.beat_at < now - HEARTBEAT_KEPT))

        retrying(write)

    def last_beat(self) -> datetime | None:
        """The newest heartbeat of any worker (one indexed statement: /readyz polls it)."""
        with _reading(self.engine) as connection:
            newest: datetime | None = connection.execute(
                select(func.max(worker_heartbeats.c.beat_at))).scalar_one_or_none()
            connection.commit()
        return _aware(newest)

    def database_now(self) -> datetime:
        """The database server's clock, UTC."""
        with _reading(self.engine) as connection:
            value = connection.execute(text(_NOW[self.engine.dialect.name])).scalar_one()
            connection.commit()
        if isinstance(value, str):  # SQLite answers text
            value = datetime.fromisoformat(value)
        aware = _aware(value)
        assert aware is not None
        return aware

    def sla_overdue(self, now: datetime) -> int:
        """Open tickets whose nearest SLA due time has passed while their clock runs."""
        query = (select(func.count()).select_from(tickets)
                 .where(tickets.c.sla_due < now, tickets.c.sla_paused.is_(False),
                        tickets.c.status != TicketStatus.CLOSED.value))
        with _reading(self.engine) as connection:
            return _count(connection, query)


_NOW = {"sqlite": "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')",
        "postgresql": "SELECT clock_timestamp()"}


def _count(connection: Connection, query: object) -> int:
    value = connection.execute(query).scalar_one()  # type: ignore[call-overload]
    connection.commit()
    return int(value)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
