"""Housekeeping the background worker runs between mail rounds (pruning, the blob sweep).

Every process that delivers mail runs these jobs; with ``claims`` (the database's
``job_claims``) a job runs once per interval across all of them, not once per process.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

log = logging.getLogger("clico.jobs")
CLAIM_RETRY = timedelta(minutes=1)  # the database was away: ask for the claim again then


class JobClaims(Protocol):
    """Holds a job by name until a moment, shared by every process (sql/job_claims.py)."""

    def claim(self, name: str, now: datetime, until: datetime) -> bool: ...

    def held_until(self, name: str) -> datetime | None: ...

    def release(self, name: str, now: datetime) -> None: ...


class ScheduledJob:
    """``run`` at most once per ``every``; it returns True when done, False when it
    stopped early with more to do, and then runs again at the next chance instead.

    A job that raises is logged and tried again after ``every``, not in a tight loop.
    With ``claims`` the process first claims the job for ``every``: another process holding
    it makes this one wait until that hold ends. A process that dies mid-run holds the job
    until its claim lapses; then the next process runs it again (each job is idempotent).
    """

    def __init__(self, name: str, every: timedelta, run: Callable[[], bool],
                 claims: JobClaims | None = None) -> None:
        if every <= timedelta(0):
            raise ValueError("a scheduled job needs a positive interval")
        self.name = name
        self.every = every
        self.run = run
        self.claims = claims
        self.next_at: datetime | None = None  # None: due at once

    def __repr__(self) -> str:
        return f"<ScheduledJob {self.name} every {self.every}, next {self.next_at}>"

    def run_if_due(self, now: datetime) -> bool:
        """Run the job if it is due at ``now``; True when it ran."""
        if self.next_at is not None and now < self.next_at:
            return False
        try:
            if self.claims is not None and not self.claims.claim(self.name, now,
                                                                  now + self.every):
                held = self.claims.held_until(self.name)
                self.next_at = held if held is not None and held > now else now + self.every
                return False
        except Exception:  # the database may be briefly away: ask again later
            log.exception("scheduled job %s could not be claimed", self.name)
            self.next_at = now + min(self.every, CLAIM_RETRY)
            return False
        log.info("scheduled job %s running", self.name)
        try:
            finished = self.run()
        except Exception:  # the database may be briefly away: try again later
            log.exception("scheduled job %s failed", self.name)
            finished = True
        if not finished and self.claims is not None:
            with contextlib.suppress(Exception):  # else the claim lapses after ``every``
                self.claims.release(self.name, now)
        self.next_at = now + self.every if finished else now
        return True
