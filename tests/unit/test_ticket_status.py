"""The status machine's rules, one by one (the services apply them inside their writes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import evolve

from clico_core.articles import AuthorRole
from clico_core.errors import TicketClosed, TransitionNotAllowed
from clico_core.testing import builders as b
from clico_core.ticket_status import (
    ReplyAllowed,
    StatusChangeAllowed,
    StatusRules,
    after_public_reply,
    closes_by_itself,
    move,
    needs_close_reminder,
    targets_for,
)
from clico_core.tickets import TicketStatus

S = TicketStatus
STAFF, CUSTOMER = AuthorRole.STAFF, AuthorRole.CUSTOMER
T0 = b.T0
DAY = timedelta(days=1)
RULES = StatusRules()


def _ticket(status: TicketStatus = S.NEW, **changes: object):  # type: ignore[no-untyped-def]
    return evolve(b.ticket("co", "ac", "CSS-000001", status=status), **changes)


@pytest.mark.parametrize(("status", "role", "after"), [
    (S.NEW, STAFF, S.OPEN), (S.OPEN, STAFF, S.OPEN), (S.WAITING_FOR_CUSTOMER, STAFF,
                                                      S.WAITING_FOR_CUSTOMER),
    (S.RESOLVED, STAFF, S.RESOLVED), (S.NEW, CUSTOMER, S.NEW), (S.OPEN, CUSTOMER, S.OPEN),
    (S.WAITING_FOR_CUSTOMER, CUSTOMER, S.OPEN), (S.RESOLVED, CUSTOMER, S.OPEN),
])
def test_a_public_reply_moves_the_status_as_the_issue_says(
        status: TicketStatus, role: AuthorRole, after: TicketStatus) -> None:
    assert after_public_reply(status, role) is after


def test_staff_may_set_every_working_status_a_customer_only_closed() -> None:
    assert targets_for(S.NEW, STAFF) == {S.OPEN, S.WAITING_FOR_CUSTOMER, S.RESOLVED, S.CLOSED}
    assert targets_for(S.RESOLVED, STAFF) == {S.OPEN, S.WAITING_FOR_CUSTOMER, S.CLOSED}
    assert targets_for(S.WAITING_FOR_CUSTOMER, CUSTOMER) == {S.CLOSED}
    assert targets_for(S.CLOSED, STAFF) == targets_for(S.CLOSED, CUSTOMER) == frozenset()
    for role in (STAFF, CUSTOMER):
        assert all(S.NEW not in targets_for(s, role) for s in S)


def test_a_forbidden_change_names_both_statuses_and_closed_says_how_to_go_on() -> None:
    rule = StatusChangeAllowed(_ticket(S.OPEN), CUSTOMER, S.RESOLVED, T0, RULES)
    assert rule.is_broken()
    error = rule.error()
    assert isinstance(error, TransitionNotAllowed)
    assert (error.current, error.wanted) == ("open", "resolved")
    closed = _ticket(S.CLOSED, closed_at=T0)
    recent = StatusChangeAllowed(closed, STAFF, S.OPEN, T0 + DAY, RULES).error()
    assert isinstance(recent, TicketClosed) and recent.can_reopen  # by a reply
    old = StatusChangeAllowed(closed, STAFF, S.OPEN, T0 + 15 * DAY, RULES).error()
    assert isinstance(old, TicketClosed) and not old.can_reopen
    assert not StatusChangeAllowed(_ticket(S.OPEN), CUSTOMER, S.CLOSED, T0, RULES).is_broken()


def test_moving_records_when_it_resolved_and_closed_and_reopening_forgets_the_close() -> None:
    ticket = _ticket(S.OPEN)
    at = T0 + timedelta(hours=1)
    assert move(ticket, S.RESOLVED, at) is S.OPEN
    assert (ticket.status, ticket.resolved_at, ticket.modified_at) == (S.RESOLVED, at, at)
    move(ticket, S.RESOLVED, at + timedelta(minutes=5))  # a reply: it stays resolved
    assert (ticket.resolved_at, ticket.modified_at) == (at, at + timedelta(minutes=5))
    move(ticket, S.CLOSED, at + timedelta(hours=1))
    assert ticket.closed_at == at + timedelta(hours=1)
    move(ticket, S.OPEN, at + timedelta(hours=2))
    assert ticket.closed_at is None and ticket.resolved_at == at


@pytest.mark.parametrize(("since", "reopen", "allowed", "reopenable"), [
    (timedelta(0), True, True, True), (timedelta(days=14), True, True, True),
    (timedelta(days=14), False, False, True),
    (timedelta(days=14, microseconds=1), True, False, False),
    (timedelta(days=30), False, False, False),
])
def test_a_reply_to_a_closed_ticket_reopens_it_within_14_days_once_confirmed(
        since: timedelta, reopen: bool, allowed: bool, reopenable: bool) -> None:
    closed = _ticket(S.CLOSED, closed_at=T0)
    rule = ReplyAllowed(closed, True, reopen, T0 + since, RULES)
    assert rule.reopens()
    assert rule.is_broken() is not allowed
    if not allowed:
        error = rule.error()
        assert isinstance(error, TicketClosed)
        assert error.can_reopen is reopenable and error.closed_at == T0
        assert error.reopen_until == (T0 + timedelta(days=14) if reopenable else None)


def test_notes_go_on_a_closed_ticket_and_replies_on_an_open_one_freely() -> None:
    long_closed = _ticket(S.CLOSED, closed_at=T0)
    later = T0 + timedelta(days=100)
    assert not ReplyAllowed(long_closed, False, False, later, RULES).is_broken()
    assert not ReplyAllowed(long_closed, False, False, later, RULES).reopens()
    assert not ReplyAllowed(_ticket(S.OPEN), True, False, later, RULES).is_broken()


def test_an_old_closed_ticket_without_a_closing_moment_counts_from_its_last_change() -> None:
    old = _ticket(S.CLOSED, closed_at=None, modified_at=T0)
    assert not ReplyAllowed(old, True, True, T0 + timedelta(days=13), RULES).is_broken()
    assert ReplyAllowed(old, True, True, T0 + timedelta(days=15), RULES).is_broken()


def test_quiet_resolved_tickets_are_reminded_at_5_days_and_closed_at_7() -> None:
    ticket = _ticket(S.RESOLVED, modified_at=T0)
    tick = timedelta(microseconds=1)
    for quiet, remind, close in ((5 * DAY - tick, False, False), (5 * DAY, True, False),
                                 (7 * DAY - tick, True, False), (7 * DAY, False, True),
                                 (30 * DAY, False, True)):
        now = T0 + quiet
        assert needs_close_reminder(ticket, now, RULES) is remind, quiet
        assert closes_by_itself(ticket, now, RULES) is close, quiet
    reminded = evolve(ticket, close_reminded_at=T0 + timedelta(days=5))
    assert not needs_close_reminder(reminded, T0 + timedelta(days=6), RULES)
    replied = evolve(reminded, modified_at=T0 + timedelta(days=6))  # activity after it
    assert not needs_close_reminder(replied, T0 + timedelta(days=10), RULES)
    assert needs_close_reminder(replied, T0 + timedelta(days=11), RULES)
    for status in (S.OPEN, S.WAITING_FOR_CUSTOMER, S.CLOSED):
        assert not closes_by_itself(evolve(ticket, status=status), T0 + timedelta(days=30),
                                    RULES)


def test_the_periods_must_make_sense() -> None:
    assert StatusRules(auto_close_after=timedelta(days=10)).remind_after() == timedelta(days=8)
    with pytest.raises(ValueError, match="reminder"):
        StatusRules(auto_close_after=timedelta(days=2))
    with pytest.raises(ValueError, match="reopen_within"):
        StatusRules(reopen_within=timedelta(0))
