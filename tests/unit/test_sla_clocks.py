"""The SLA clocks of a ticket through random replies, status changes and retargets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from clico_core.sla import (
    ClockName,
    SlaEventKind,
    alerts_due,
    apply_sla,
    default_levels,
    engineer_replied,
    follow_ticket,
)
from clico_core.tickets import Priority, TicketStatus

LEVELS = default_levels()
START = datetime(2026, 3, 27, 7, 0, tzinfo=UTC)  # a Friday morning before the clocks change
S = TicketStatus


class TicketSlaMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self.status = S.NEW
        self.level = LEVELS["standard"]
        self.priority = Priority.NORMAL
        self.sla, self.events = apply_sla(self.level, self.priority, START)
        self.used_before = {name: timedelta(0) for name in ClockName}
        self.answered = False

    def _apply(self, change):
        self.sla, events = change
        self.events.extend(events)

    def _move(self, target: TicketStatus) -> None:
        self._apply(follow_ticket(self.sla, self.level, target, self.priority, self.now))
        self.status = target
        if target in (S.RESOLVED, S.CLOSED):
            self.answered = True  # a resolution answers; reopening does not ask again

    @rule(minutes=st.integers(1, 3 * 24 * 60))
    def time_passes(self, minutes):
        self.now += timedelta(minutes=minutes)

    @rule()
    def worker_checks(self):
        self._apply(alerts_due(self.sla, self.level, self.now))

    @precondition(lambda self: self.status is not S.CLOSED)
    @rule()
    def engineer_replies(self):
        self._apply(engineer_replied(self.sla, self.level, self.now))
        self.answered = True
        if self.status is S.NEW:
            self._move(S.OPEN)

    @precondition(lambda self: self.status in (S.OPEN, S.NEW))
    @rule(status=st.sampled_from([S.WAITING_FOR_CUSTOMER, S.RESOLVED]))
    def engineer_sets(self, status):
        self._move(status)

    @precondition(lambda self: self.status in (S.WAITING_FOR_CUSTOMER, S.RESOLVED, S.CLOSED))
    @rule()
    def customer_replies(self):
        self._move(S.OPEN)

    @precondition(lambda self: self.status is not S.CLOSED)
    @rule()
    def closes(self):
        self._move(S.CLOSED)

    @rule(priority=st.sampled_from(list(Priority)), level=st.sampled_from(sorted(LEVELS)))
    def retargets(self, priority, level):
        self.level, self.priority = LEVELS[level], priority
        self._apply(follow_ticket(self.sla, self.level, self.status, priority, self.now))

    @invariant()
    def used_time_never_exceeds_the_business_time_since_the_start(self):
        calendar = self.level.calendar
        elapsed = calendar.between(START, self.now)
        for _, clock in self.sla.clocks():
            assert clock.used(calendar, self.now) <= elapsed

    @invariant()
    def clocks_run_exactly_when_the_rules_say(self):
        fr, res = self.sla.first_response, self.sla.resolution
        waiting = self.status is S.WAITING_FOR_CUSTOMER
        done = self.status in (S.RESOLVED, S.CLOSED)
        assert res.running == (not waiting and not done)
        assert fr.running == (not waiting and not done and not self.answered)
        due = self.sla.due_times(self.level)
        assert due.paused == (waiting and (not res.stopped))
        assert (due.resolution_due is None) == (not res.running)

    @invariant()
    def a_reopened_clock_keeps_the_time_it_used(self):
        # measured on a fixed calendar, time used never goes back
        calendar = LEVELS["premium"].calendar
        for name, clock in self.sla.clocks():
            used = clock.used(calendar, self.now)
            assert used >= self.used_before[name]
            self.used_before[name] = used

    @invariant()
    def a_due_time_is_never_before_the_clock_last_started(self):
        calendar = self.level.calendar
        for _, clock in self.sla.clocks():
            due = clock.due(calendar)
            if due is not None:
                assert due >= clock.periods[-1][0]

    @invariant()
    def each_clock_is_warned_and_breached_at_most_once_per_target(self):
        for name in ClockName:
            since_target: dict[SlaEventKind, int] = {}
            for event in self.events:
                if event.kind is SlaEventKind.RECOMPUTE:
                    since_target = {}
                elif event.clock is name:
                    since_target[event.kind] = since_target.get(event.kind, 0) + 1
            assert since_target.get(SlaEventKind.WARN, 0) <= 1
            assert since_target.get(SlaEventKind.BREACH, 0) <= 1


TicketSlaMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None
)
test_ticket_sla_clocks = TicketSlaMachine.TestCase
