"""Housekeeping the background worker runs between mail rounds (pruning, the blob sweep)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

log = logging.getLogger("clico.jobs")


class ScheduledJob:
    """``run`` at most once per ``every``; it returns True when done, False when it
    stopped early with more to do, and then runs again at the next chance instead.

    A job that raises is logged and tried again after ``every``, not in a tight loop.
    """

    def __init__(self, name: str, every: timedelta, run: Callable[[], bool]) -> None:
        if every <= timedelta(0):
            raise ValueError("a scheduled job needs a positive interval")
        self.name = name
        self.every = every
        self.run = run
        self.next_at: datetime | None = None  # None: due at once

    def __repr__(self) -> str:
        return f"<ScheduledJob {self.name} every {self.every}, next {self.next_at}>"

    def run_if_due(self, now: datetime) -> bool:
        """Run the job if it is due at ``now``; True when it ran."""
        if self.next_at is not None and now < self.next_at:
            return False
        try:
            finished = self.run()
        except Exception:  # the database may be briefly away: try again later
            log.exception("scheduled job %s failed", self.name)
            finished = True
        self.next_at = now + self.every if finished else now
        return True
