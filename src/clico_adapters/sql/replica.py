"""Reads on a PostgreSQL streaming replica, writes and fresh reads on the primary.

``ReplicaRouter`` is a ``UnitOfWorkFactory``. Units of work that write go to the primary;
after each commit they note the primary's WAL position (``pg_current_wal_insert_lsn()``) in the
session's marks (``clico_adapters.consistency``). Read-only units of work go to the replica
unless

- the session wrote less than ``sticky_seconds`` ago and the replica has not yet replayed
  that write (``pg_last_wal_replay_lsn()`` below the mark): read-your-writes;
- the replica is down (a connection failed: the primary for ``RETRY_AFTER`` seconds), is
  not a replica any more, or lags the primary by more than ``max_lag_bytes`` of WAL (probed
  at most every ``PROBE_EVERY`` seconds).

A replica that fails in the middle of a read is marked down and the statement runs again on
the primary: read-only units of work autocommit at READ COMMITTED, every statement with its
own snapshot, so a statement is all there is to repeat. The reader never sees an error.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Self

from sqlalchemy import Engine, Executable, text
from sqlalchemy.exc import DBAPIError, OperationalError

from ..consistency import current_marks
from .uow import AnyResult, SqlUnitOfWork, SqlUnitOfWorkFactory

log = logging.getLogger("clico.replica")

PROBE_EVERY = 1.0  # seconds between two lag probes
RETRY_AFTER = 5.0  # seconds on the primary after the replica failed
_REPLAYED = text("SELECT pg_last_wal_replay_lsn() - '0/0'::pg_lsn")
# the insert position, not pg_current_wal_lsn() (the write position): under
# synchronous_commit = off the commit record may not be written out yet
_CURRENT = text("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn")


class ReplicaRouter:
    """Units of work over a primary and one streaming replica (see the module)."""

    def __init__(self, primary: SqlUnitOfWorkFactory, replica: Engine, *,
                 sticky_seconds: float, max_lag_bytes: int,
                 wall_clock: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.primary = primary
        self.replica = replica
        self.sticky_seconds = sticky_seconds
        self.max_lag_bytes = max_lag_bytes
        self._wall_clock = wall_clock
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._probed_at = -PROBE_EVERY
        self._replayed = -1  # the replica's replay position at the last probe (bytes)
        self._lagging = False

    def __call__(self, *, readonly: bool = False) -> SqlUnitOfWork:
        if readonly:
            return RoutedReadUnitOfWork(self)
        return MarkingUnitOfWork(self)

    # -- what the units of work ask

    def replica_usable(self) -> bool:
        """The replica is up, a replica, and not lagging beyond the bound (probed)."""
        now = self._monotonic()
        if now < self._down_until:
            return False
        if now - self._probed_at >= PROBE_EVERY and self._lock.acquire(blocking=False):
            try:
                self._probe(now)
            finally:
                self._lock.release()
        return not self._lagging and self._monotonic() >= self._down_until

    def must_wait_for(self) -> int | None:
        """The LSN the replica must have replayed for this session's read, if any."""
        mark = current_marks().mark
        if mark is None or self.wall_time() - mark.at >= self.sticky_seconds:
            return None
        return None if mark.lsn <= self._replayed else mark.lsn

    def wall_time(self) -> float:
        """Seconds since the epoch: the marks' time, compared across processes."""
        return self._wall_clock()

    def noted_replay(self, replayed: int) -> None:
        self._replayed = max(self._replayed, replayed)

    def replica_failed(self, error: BaseException) -> None:
        log.warning("replica unavailable (%s): reading from the primary for %.0f s",
                    type(error).__name__, RETRY_AFTER)
        self._down_until = self._monotonic() + RETRY_AFTER

    def dispose(self) -> None:
        self.replica.dispose()

    def _probe(self, now: float) -> None:
        self._probed_at = now
        try:
            with self.replica.connect() as connection:
                replayed = connection.execute(_REPLAYED).scalar()
                connection.commit()
        except DBAPIError as error:
            self.replica_failed(error)
            return
        try:
            with self.primary.engine.connect() as connection:
                current = connection.execute(_CURRENT).scalar()
                connection.commit()
        except DBAPIError:
            return  # the primary's own trouble: the reads that need it will say so
        if replayed is None:  # promoted, or never a replica: reads stay on the primary
            if not self._lagging:
                log.warning("the replica is not in recovery: reading from the primary")
            self._lagging = True
            return
        self.noted_replay(int(replayed))
        lag = int(current or 0) - int(replayed)
        if lag > self.max_lag_bytes and not self._lagging:
            log.warning("the replica lags %d bytes of WAL: reading from the primary", lag)
        self._lagging = lag > self.max_lag_bytes


class MarkingUnitOfWork(SqlUnitOfWork):
    """A unit of work on the primary that marks the session after each commit."""

    def __init__(self, router: ReplicaRouter) -> None:
        factory = router.primary
        super().__init__(factory.engine, new_id=factory.new_id, box=factory.box)
        self._router = router

    def commit(self) -> None:
        super().commit()
        # after the commit: the WAL position now covers it (one statement, then COMMIT, so
        # psycopg keeps its prepared statements; a failure here loses only the mark)
        lsn = self.connection.execute(_CURRENT).scalar()
        self.connection.commit()
        if lsn is not None:
            current_marks().wrote(int(lsn), self._router.wall_time())


class RoutedReadUnitOfWork(SqlUnitOfWork):
    """A read-only unit of work on the replica when the router allows it."""

    def __init__(self, router: ReplicaRouter) -> None:
        factory = router.primary
        super().__init__(factory.engine, readonly=True, new_id=factory.new_id, box=factory.box)
        self._router = router
        self.on_replica = False

    def __enter__(self) -> Self:
        router = self._router
        if router.replica_usable():
            self.engine = router.replica
            try:
                super().__enter__()
                if self._caught_up():
                    self.on_replica = True
                    return self
            except DBAPIError as error:
                router.replica_failed(error)
            self._leave()
        self.engine = router.primary.engine
        return super().__enter__()

    def _caught_up(self) -> bool:
        wanted = self._router.must_wait_for()
        if wanted is None:
            return True
        replayed = self.connection.execute(_REPLAYED).scalar()
        if replayed is None:
            return False
        self._router.noted_replay(int(replayed))
        return int(replayed) >= wanted

    def _leave(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(DBAPIError):
                connection.close()

    def execute(self, statement: Executable,
                params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None
                ) -> AnyResult:
        if not self.on_replica:
            return super().execute(statement, params)
        try:
            return super().execute(statement, params)
        except DBAPIError as error:
            if not (error.connection_invalidated or isinstance(error, OperationalError)):
                raise
            self._router.replica_failed(error)
        self._switch_to_primary()
        return super().execute(statement, params)

    def _switch_to_primary(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(DBAPIError):
                connection.invalidate()
                connection.close()
        self.on_replica = False
        self.engine = self._router.primary.engine
        super().__enter__()

