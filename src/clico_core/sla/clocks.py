"""An SLA clock: business time running against a target, paused while the ticket waits for
the customer, stopped when the target's event happens (met or breached).

A clock keeps the instants it ran between, not a running total, so a changed priority or
level re-measures the same periods on the new calendar under the new target."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from attrs import evolve, frozen

from .calendar import BusinessCalendar

Period = tuple[datetime, datetime | None]


class Outcome(enum.StrEnum):
    MET = "met"
    BREACHED = "breached"


@frozen
class SlaClock:
    target: timedelta
    periods: tuple[Period, ...] = ()
    stopped_at: datetime | None = None
    warned: bool = False
    breach_noted: bool = False

    @classmethod
    def started(cls, target: timedelta, at: datetime) -> SlaClock:
        return cls(target, ((at, None),))

    @property
    def running(self) -> bool:
        return bool(self.periods) and self.periods[-1][1] is None

    @property
    def stopped(self) -> bool:
        return self.stopped_at is not None

    @property
    def paused(self) -> bool:
        return not self.running and not self.stopped

    def used(self, calendar: BusinessCalendar, now: datetime) -> timedelta:
        """Business time consumed up to ``now`` (or to the stop, if stopped)."""
        return sum(
            (calendar.between(lo, hi if hi is not None else now) for lo, hi in self.periods),
            timedelta(0),
        )

    def _spent_before_current(self, calendar: BusinessCalendar) -> timedelta:
        return sum(
            (calendar.between(lo, hi) for lo, hi in self.periods if hi is not None),
            timedelta(0),
        )

    def due(self, calendar: BusinessCalendar) -> datetime | None:
        """When the target is reached if the clock keeps running; None unless running. A
        target already used up before the current period is due at the period's start."""
        return self._reached(calendar, self.target)

    def warn_at(self, calendar: BusinessCalendar, share: float = 0.75) -> datetime | None:
        return self._reached(calendar, self.target * share)

    def _reached(self, calendar: BusinessCalendar, amount: timedelta) -> datetime | None:
        if not self.running:
            return None
        start = self.periods[-1][0]
        left = amount - self._spent_before_current(calendar)
        return calendar.add(start, max(left, timedelta(0)))

    def outcome(self, calendar: BusinessCalendar) -> Outcome | None:
        if self.stopped_at is None:
            return None
        used = self.used(calendar, self.stopped_at)
        return Outcome.MET if used <= self.target else Outcome.BREACHED

    def pause(self, at: datetime) -> SlaClock:
        if not self.running:
            return self
        start, _ = self.periods[-1]
        return evolve(self, periods=(*self.periods[:-1], (start, max(at, start))))

    def resume(self, at: datetime) -> SlaClock:
        """Runs again from ``at`` with the time already used (a reopened clock too)."""
        if self.running:
            return self
        return evolve(self, periods=(*self.periods, (at, None)), stopped_at=None)

    def stop(self, at: datetime) -> SlaClock:
        if self.stopped:
            return self
        return evolve(self.pause(at), stopped_at=at)

    def retarget(self, target: timedelta) -> SlaClock:
        """The same periods against another target; a pending warning or breach is judged
        again (the flags clear when the new target puts them in the future)."""
        return evolve(self, target=target, warned=False, breach_noted=False)
