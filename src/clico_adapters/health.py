"""Readiness: may this process take traffic? The database answers, its schema is the
code's, and a mail worker beat recently. ``/readyz`` asks it up to every second, so a check
is one statement (the newest heartbeat, which also proves the database answers); the
migration check reads two things and is remembered for ``MIGRATIONS_CACHED``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from attrs import define, field, frozen

from clico_core.ports import Clock

OK = "ok"
STALE_AFTER = timedelta(seconds=60)  # six missed beats of a worker (one every 10 s)
MIGRATIONS_CACHED = 30.0  # seconds


@frozen
class ReadinessReport:
    """``checks`` names each check: "ok", or what is wrong (shown with the metrics token)."""

    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        return all(value == OK for value in self.checks.values())


@define
class Readiness:
    """The three checks over callables the composition root binds to the database."""

    last_beat: Callable[[], datetime | None]
    pending_migrations: Callable[[], bool]
    clock: Clock
    stale_after: timedelta = STALE_AFTER
    monotonic: Callable[[], float] = time.monotonic
    _migrations: tuple[float, bool] | None = field(default=None, init=False)

    def check(self) -> ReadinessReport:
        try:
            beat = self.last_beat()
        except Exception as error:  # down, refusing, timing out: not ready, say which
            migrations = self._migrations_state(fresh=True)
            if migrations.startswith("pending"):  # an old schema has no heartbeat table
                return ReadinessReport({"database": OK, "migrations": migrations,
                                        "worker": "unknown"})
            return ReadinessReport({"database": f"unreachable ({type(error).__name__})",
                                    "migrations": "unknown", "worker": "unknown"})
        return ReadinessReport({"database": OK, "migrations": self._migrations_state(),
                                "worker": self._worker_state(beat)})

    def _migrations_state(self, *, fresh: bool = False) -> str:
        now = self.monotonic()
        if (fresh or self._migrations is None
                or now - self._migrations[0] > MIGRATIONS_CACHED):
            try:
                self._migrations = (now, self.pending_migrations())
            except Exception as error:
                return f"unknown ({type(error).__name__})"
        return "pending: run `clico db upgrade`" if self._migrations[1] else OK

    def _worker_state(self, beat: datetime | None) -> str:
        if beat is None:
            return "no mail worker has run: start `clico worker` or serve with the worker"
        age = self.clock.now() - beat
        if age > self.stale_after:
            return f"stale: the last mail worker heartbeat is {int(age.total_seconds())} s old"
        return OK


def always_ready() -> ReadinessReport:
    """A portal built over given services (tests, embedders): nothing of ours to check."""
    return ReadinessReport({})
