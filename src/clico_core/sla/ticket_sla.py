"""A ticket's SLA: its level and priority, the two clocks, and the rules that move them.

The rules (each case decided once, here):
- both clocks start when the ticket is created (``apply``);
- the first public engineer reply stops the first-response clock (``met`` or ``breached``);
- ``Oczekuje na klienta`` pauses every running clock; the customer's reply, which puts the
  ticket back to ``W realizacji``, resumes them;
- ``Rozwiązane`` stops the resolution clock and, if no engineer has answered yet, the
  first-response clock too (a resolution is an answer);
- closing (by the customer or the quiet period) stops whatever still runs;
- reopening (``Nowe`` or ``W realizacji`` after ``Rozwiązane`` or ``Zamknięte``) resumes the
  resolution clock with the time it had already used; the first-response clock stays stopped;
- a priority or level change keeps the periods and measures them on the new level's calendar
  against the new target (``recompute``): due times count from the ticket's start;
- a warning is due at 75 % of a target and a breach at 100 %, each noted once per clock and
  target; alerts wait for the calendar's open hours (a 24×7 level is always open).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import datetime, timedelta

from attrs import evolve, frozen

from ..tickets import Priority, TicketStatus
from .clocks import Outcome, SlaClock
from .levels import SupportLevel

WARNING_SHARE = 0.75


class ClockName(enum.StrEnum):
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


class SlaEventKind(enum.StrEnum):
    APPLY = "apply"
    PAUSE = "pause"
    RESUME = "resume"
    WARN = "warn"
    BREACH = "breach"
    MET = "met"
    RECOMPUTE = "recompute"


@frozen
class SlaEvent:
    kind: SlaEventKind
    at: datetime
    clock: ClockName | None = None


@frozen
class DueTimes:
    """What the ticket row stores, so the queue sorts and filters by an index."""

    first_response_due: datetime | None
    resolution_due: datetime | None
    paused: bool
    warning_at: datetime | None = None  # the nearest running clock's 75 % instant
    alert_at: datetime | None = None  # the earliest warning or breach not yet noted

    @property
    def nearest(self) -> datetime | None:
        dues = [due for due in (self.first_response_due, self.resolution_due) if due]
        return min(dues) if dues else None


@frozen
class TicketSla:
    """The clocks of one ticket and the level and priority they were set for."""

    level: str
    priority: Priority
    started_at: datetime
    first_response: SlaClock
    resolution: SlaClock

    def clock(self, name: ClockName) -> SlaClock:
        return self.first_response if name is ClockName.FIRST_RESPONSE else self.resolution

    def clocks(self) -> Iterator[tuple[ClockName, SlaClock]]:
        yield ClockName.FIRST_RESPONSE, self.first_response
        yield ClockName.RESOLUTION, self.resolution

    def due_times(self, level: SupportLevel) -> DueTimes:
        """The stored due times, each clock's instants computed once."""
        calendar = level.calendar
        warnings: list[datetime] = []
        alerts: list[datetime] = []
        dues: dict[ClockName, datetime | None] = {}
        for name, clock in self.clocks():
            dues[name] = due = clock.due(calendar)
            warn_at = clock.warn_at(calendar, WARNING_SHARE)
            if warn_at is not None:
                warnings.append(warn_at)
                if not clock.warned:
                    alerts.append(warn_at)
            if due is not None and not clock.breach_noted:
                alerts.append(due)
        return DueTimes(
            dues[ClockName.FIRST_RESPONSE], dues[ClockName.RESOLUTION],
            paused=any(clock.paused for _, clock in self.clocks()),
            warning_at=min(warnings) if warnings else None,
            alert_at=min(alerts) if alerts else None,
        )

    def next_alert_at(self, level: SupportLevel) -> datetime | None:
        """The earliest warning or breach not yet noted: when the worker looks again."""
        return self.due_times(level).alert_at

    def _with(self, name: ClockName, clock: SlaClock) -> TicketSla:
        if name is ClockName.FIRST_RESPONSE:
            return evolve(self, first_response=clock)
        return evolve(self, resolution=clock)


Change = tuple[TicketSla, list[SlaEvent]]


def apply_sla(level: SupportLevel, priority: Priority, at: datetime) -> Change:
    targets = level.target(priority)
    sla = TicketSla(
        level.name, priority, at,
        SlaClock.started(targets.first_response, at), SlaClock.started(targets.resolution, at),
    )
    return sla, [SlaEvent(SlaEventKind.APPLY, at)]


def _stop(sla: TicketSla, level: SupportLevel, name: ClockName, at: datetime,
          events: list[SlaEvent]) -> TicketSla:
    clock = sla.clock(name)
    if clock.stopped:
        return sla
    stopped = clock.stop(at)
    if stopped.outcome(level.calendar) is Outcome.MET:
        events.append(SlaEvent(SlaEventKind.MET, at, name))
        return sla._with(name, stopped)
    if not clock.breach_noted:  # a breach the worker already noted is not noted twice
        events.append(SlaEvent(SlaEventKind.BREACH, at, name))
    return sla._with(name, evolve(stopped, breach_noted=True))


def engineer_replied(sla: TicketSla, level: SupportLevel, at: datetime) -> Change:
    """The first public engineer reply: the first-response clock stops."""
    events: list[SlaEvent] = []
    return _stop(sla, level, ClockName.FIRST_RESPONSE, at, events), events


def retarget(sla: TicketSla, level: SupportLevel, priority: Priority, at: datetime) -> Change:
    """A new priority or level: the clocks keep their periods and take the new targets."""
    targets = level.target(priority)
    changed = evolve(
        sla, level=level.name, priority=priority,
        first_response=sla.first_response.retarget(targets.first_response),
        resolution=sla.resolution.retarget(targets.resolution),
    )
    return changed, [SlaEvent(SlaEventKind.RECOMPUTE, at)]


def follow_ticket(sla: TicketSla, level: SupportLevel, status: TicketStatus,
                  priority: Priority, at: datetime) -> Change:
    """Bring the clocks in line with the ticket's stored state (status, priority, level),
    whatever path changed it: the rules at the top of this module."""
    events: list[SlaEvent] = []
    if priority is not sla.priority or level.name != sla.level:
        sla, events = retarget(sla, level, priority, at)
    if status is TicketStatus.WAITING_FOR_CUSTOMER:
        for name, clock in sla.clocks():
            if clock.running:
                sla = sla._with(name, clock.pause(at))
                events.append(SlaEvent(SlaEventKind.PAUSE, at, name))
    elif status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        sla = _stop(sla, level, ClockName.FIRST_RESPONSE, at, events)
        sla = _stop(sla, level, ClockName.RESOLUTION, at, events)
    else:
        for name, clock in sla.clocks():
            if clock.paused or (name is ClockName.RESOLUTION and clock.stopped):
                sla = sla._with(name, clock.resume(at))
                events.append(SlaEvent(SlaEventKind.RESUME, at, name))
    return sla, events


def alerts_due(sla: TicketSla, level: SupportLevel, now: datetime) -> Change:
    """The warnings and breaches reached by ``now`` and not yet noted, marked as noted.
    Nothing is due while the level's calendar is closed (no mail at night on 8×5)."""
    calendar = level.calendar
    events: list[SlaEvent] = []
    if not calendar.is_open(now):
        return sla, events
    for name, clock in sla.clocks():
        due, warn_at = clock.due(calendar), clock.warn_at(calendar, WARNING_SHARE)
        if due is not None and now >= due and not clock.breach_noted:
            sla = sla._with(name, evolve(clock, warned=True, breach_noted=True))
            events.append(SlaEvent(SlaEventKind.BREACH, now, name))
        elif warn_at is not None and now >= warn_at and not clock.warned:
            sla = sla._with(name, evolve(clock, warned=True))
            events.append(SlaEvent(SlaEventKind.WARN, now, name))
    return sla, events


class ClockState(enum.StrEnum):
    RUNNING = "running"
    WARNING = "warning"  # past 75 % of the target
    OVERDUE = "overdue"  # running past its due time: breached, still not answered
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"


@frozen
class ClockView:
    """What the ticket page shows of one clock."""

    name: ClockName
    state: ClockState
    due: datetime | None  # running clocks only
    remaining: timedelta | None  # business time left (running and paused clocks)


def describe(sla: TicketSla, level: SupportLevel, now: datetime) -> tuple[ClockView, ...]:
    calendar = level.calendar
    views = []
    for name, clock in sla.clocks():
        if clock.stopped:
            state = (ClockState.MET if clock.outcome(calendar) is Outcome.MET
                     else ClockState.BREACHED)
            views.append(ClockView(name, state, None, None))
            continue
        left = clock.target - clock.used(calendar, now)
        if clock.paused:
            views.append(ClockView(name, ClockState.PAUSED, None, max(left, timedelta(0))))
            continue
        due = clock.due(calendar)
        if left <= timedelta(0):
            views.append(ClockView(name, ClockState.OVERDUE, due, timedelta(0)))
        else:
            warn = left <= clock.target * (1 - WARNING_SHARE)
            views.append(ClockView(name, ClockState.WARNING if warn else ClockState.RUNNING,
                                   due, left))
    return tuple(views)
