"""Optimistic concurrency on a ticket: a change decided on an older version is refused with
what changed since, never written over it; a reply alone is always appended. Memory, SQLite
and PostgreSQL, and races of real transactions on both SQL engines."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clico_core.errors import StaleTicket, TicketChange
from clico_core.services import OpenTicket, PostReply
from clico_core.tickets import Priority, TicketStatus

from .conversation_support import START, Cast
from .sql_support import race

S = TicketStatus


def _ticket(cast: Cast) -> tuple[str, int]:
    number = cast.services.open_ticket(cast.acme[0], OpenTicket("VPN", "<p>drops</p>")).number
    return number, cast.services.conversation(cast.staff[0], number).version


def _state(cast: Cast, number: str) -> tuple[S, Priority, str | None, int]:
    ticket = cast.services.ticket_detail(cast.staff[0], number).ticket
    return ticket.status, ticket.priority, ticket.assignee_id, ticket.version


def test_a_status_chosen_on_an_older_version_is_refused_naming_the_change(cast: Cast) -> None:
    number, seen = _ticket(cast)
    first, second = cast.staff
    cast.clock.advance(timedelta(minutes=90))
    cast.services.change_status(first, number, "waiting_for_customer", seen)
    before = _state(cast, number)
    with pytest.raises(StaleTicket) as refused:
        cast.services.change_status(second, number, "resolved", seen)
    assert refused.value.changes == (TicketChange(
        "status", "new", "waiting_for_customer", first.account.full_name,
        START + timedelta(minutes=90)),)
    assert _state(cast, number) == before  # nothing written over the first change
    # rendered again from the new version, the same change goes through
    assert cast.services.change_status(second, number, "resolved", before[3]) is S.RESOLVED


def test_priority_and_assignee_forms_are_refused_when_stale_and_name_every_change(
        cast: Cast) -> None:
    number, seen = _ticket(cast)
    first, second = cast.staff
    cast.services.change_priority(first, number, "high", seen)
    cast.services.assign_ticket(first, number, second.account.id, seen + 1)
    cast.services.post_reply(cast.acme[1], PostReply(number, "<p>logs attached</p>"))
    before = _state(cast, number)
    with pytest.raises(StaleTicket) as refused:
        cast.services.change_priority(second, number, "low", seen)
    assert [(c.what, c.before, c.after, c.actor) for c in refused.value.changes] == [
        ("priority", "normal", "high", first.account.full_name),
        ("assignee", "", second.account.full_name, first.account.full_name),
        ("reply", "", "", cast.acme[1].account.full_name)]
    with pytest.raises(StaleTicket):
        cast.services.assign_ticket(second, number, None, seen + 1)
    assert _state(cast, number) == before
    # setting what is already there overwrites nothing: no refusal
    assert cast.services.change_priority(second, number, "high", seen) is Priority.HIGH


def test_a_reply_is_appended_whatever_the_version_but_its_status_change_is_not(
        cast: Cast) -> None:
    number, seen = _ticket(cast)
    engineer, other = cast.staff
    cast.services.change_status(other, number, "waiting_for_customer", seen)
    posted = cast.services.post_reply(engineer, PostReply(
        number, "<p>still looking</p>", expected_version=seen))
    assert posted.status is S.WAITING_FOR_CUSTOMER
    total = cast.services.conversation(engineer, number).total
    with pytest.raises(StaleTicket) as refused:
        cast.services.post_reply(engineer, PostReply(
            number, "<p>fixed</p>", new_status="resolved", expected_version=seen))
    assert [c.what for c in refused.value.changes] == ["status", "reply"]
    assert cast.services.conversation(engineer, number).total == total  # no article either
    assert _state(cast, number)[0] is S.WAITING_FOR_CUSTOMER


def test_without_a_version_a_change_goes_through_as_before(cast: Cast) -> None:
    number, seen = _ticket(cast)
    cast.services.change_status(cast.staff[1], number, "waiting_for_customer", seen)
    assert cast.services.change_status(cast.staff[0], number, "resolved") is S.RESOLVED


@pytest.mark.parametrize("cast", ["sqlite", "postgres"], indirect=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_engineers_saving_one_version_at_once_one_wins_the_other_is_told(
        cast: Cast, round_: int) -> None:
    number, seen = _ticket(cast)
    targets = ["waiting_for_customer", "resolved"]
    outcomes = race(2, lambda i: cast.services.change_status(
        cast.staff[i], number, targets[i], seen))
    won = [i for i, o in enumerate(outcomes) if not isinstance(o, BaseException)]
    lost = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(won) == 1 and len(lost) == 1 and isinstance(lost[0], StaleTicket)
    assert lost[0].changes[0].after == targets[won[0]]
    assert lost[0].changes[0].actor == cast.staff[won[0]].account.full_name
    assert _state(cast, number)[0].value == targets[won[0]]


@pytest.mark.parametrize("cast", ["sqlite", "postgres"], indirect=True)
def test_the_stored_state_is_written_only_where_the_version_is_still_the_one_read(
        cast: Cast) -> None:
    """Two real transactions: a copy read in one is refused by the conditional UPDATE once
    another committed a change in between."""
    number, _ = _ticket(cast)
    factory = cast.services.ports.uow
    with factory(readonly=True) as uow:
        stale = uow.tickets.get_by_number(number)
    assert stale is not None
    cast.services.change_status(cast.staff[0], number, "waiting_for_customer")
    stale.status = S.RESOLVED
    with factory() as uow:
        assert not uow.tickets.update_state(stale)
        uow.commit()
    assert _state(cast, number)[0] is S.WAITING_FOR_CUSTOMER
