"""Races on the conversation, on SQLite and PostgreSQL: threads with their own connections.

Concurrent replies are all kept, in the order they were written; a status change racing a
customer's reply ends in a state the machine allows with both recorded; a double click is
one article; a reply racing the ticket's closing is stored or cleanly refused.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from clico_core.audit import AuditKind
from clico_core.errors import TicketClosed
from clico_core.services import OpenTicket, PostReply
from clico_core.tickets import TicketStatus

from .conversation_support import Cast
from .sql_support import race

S = TicketStatus
pytestmark = pytest.mark.parametrize("cast", ["sqlite", "postgres"], indirect=True)


def _ticket(cast: Cast) -> str:
    cast.clock.step = timedelta(milliseconds=1)  # every reading of the clock a new moment
    return cast.services.open_ticket(cast.acme[0], OpenTicket("VPN", "<p>drops</p>")).number


def test_concurrent_replies_are_all_kept_in_the_order_they_were_written(cast: Cast) -> None:
    number = _ticket(cast)
    writers = [*cast.acme, *cast.staff]
    outcomes = race(len(writers), lambda i: cast.services.post_reply(
        writers[i], PostReply(number, f"<p>reply {i}</p>")))
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    page = cast.services.conversation(cast.staff[0], number, page_size=50)
    replies = page.articles[1:]
    assert sorted(a.body for a in replies) == sorted(f"<p>reply {i}</p>"
                                                      for i in range(len(writers)))
    times = [a.created_at for a in page.articles]
    assert times == sorted(times) and len(set(times)) == len(times)
    ticket = cast.services.ticket_detail(cast.staff[0], number).ticket
    assert ticket.modified_at == times[-1]  # the last write is the last public activity
    history = cast.services.ticket_history(cast.staff[0], number)
    assert [e.kind for e in history].count(AuditKind.ARTICLE_POSTED) == len(writers)


@pytest.mark.parametrize("round_", range(4))
def test_a_status_change_racing_a_customer_reply_loses_nothing(cast: Cast, round_: int
                                                               ) -> None:
    number = _ticket(cast)
    engineer, customer = cast.staff[0], cast.acme[1]
    cast.services.change_status(engineer, number, "waiting_for_customer")
    outcomes = race(2, lambda i: cast.services.change_status(engineer, number, "resolved")
                    if i == 0 else cast.services.post_reply(
                        customer, PostReply(number, "<p>here are the logs</p>")))
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    final = cast.services.conversation(engineer, number)
    # resolve then reply: back to work; reply then resolve: resolved
    assert final.status in (S.OPEN, S.RESOLVED)
    assert final.articles[-1].body == "<p>here are the logs</p>"
    changes = [e.detail for e in cast.services.ticket_history(engineer, number)
               if e.kind is AuditKind.TICKET_STATUS_CHANGED]
    assert changes in (
        ["new -> waiting_for_customer", "waiting_for_customer -> resolved", "resolved -> open"],
        ["new -> waiting_for_customer", "waiting_for_customer -> open", "open -> resolved"])
    assert changes[-1].endswith(final.status.value)


def test_a_double_click_stores_one_reply(cast: Cast) -> None:
    number = _ticket(cast)
    outcomes = race(6, lambda _: cast.services.post_reply(
        cast.acme[2], PostReply(number, "<p>once</p>", idempotency_key="form-key")))
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert len({o.article.id for o in outcomes}) == 1  # type: ignore[union-attr]
    assert cast.services.conversation(cast.acme[2], number).total == 2
    replies = [m for m in cast.outbox() if m.mail.template.value == "ticket-reply"]
    assert len(replies) == 1


@pytest.mark.parametrize("round_", range(3))
def test_a_reply_racing_the_closing_is_kept_or_cleanly_refused(cast: Cast, round_: int
                                                               ) -> None:
    number = _ticket(cast)
    outcomes = race(2, lambda i: cast.services.close_ticket(cast.acme[0], number) if i == 0
                    else cast.services.post_reply(cast.staff[1], PostReply(number,
                                                                           "<p>fixed</p>")))
    assert outcomes[0] is S.CLOSED
    page = cast.services.conversation(cast.staff[1], number)
    assert page.status is S.CLOSED
    if isinstance(outcomes[1], BaseException):
        assert isinstance(outcomes[1], TicketClosed) and outcomes[1].can_reopen
        assert page.total == 1
    else:
        assert page.articles[-1].body == "<p>fixed</p>"
