"""Internal notes never reach a customer: not in a page of the thread, not in its count, not
in the modified date, not in any mail. A Hypothesis property over random conversations
(public replies and notes by random authors) and random customer viewers, on the in-memory
adapters, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clico_core.articles import ArticleKind
from clico_core.errors import NotFound
from clico_core.services import OpenTicket, PostReply
from clico_core.tickets import TicketQuery

from .conversation_support import INBOX, Cast

# (author: 0-2 customers, 3-4 engineers; a note if an engineer wants one; minutes later)
STEP = st.tuples(st.integers(0, 4), st.booleans(), st.sampled_from([0, 0, 1, 30]))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=10), reporter=st.integers(0, 2),
       viewer=st.integers(0, 3), page_size=st.integers(1, 4))
def test_a_customer_never_meets_an_internal_note(
        cast: Cast, steps: list[tuple[int, bool, int]], reporter: int, viewer: int,
        page_size: int) -> None:
    services = cast.services
    customers = {v.account.email for v in (*cast.acme, cast.beta)}
    ticket = services.open_ticket(cast.acme[reporter], OpenTicket("VPN", "<p>opening</p>"))
    notes: list[str] = []
    public_times = [ticket.created_at]
    for index, (author, internal, minutes) in enumerate(steps):
        cast.clock.advance(timedelta(minutes=minutes))
        who = (cast.acme + cast.staff)[author]
        note = internal and who.account.is_staff
        marker = f"MARK-{ticket.number}-{index}"
        queued = cast.mails.stats().pending
        posted = services.post_reply(who, PostReply(ticket.number, f"<p>{marker}</p>",
                                                    internal=note))
        if note:
            notes.append(marker)
            assert cast.mails.stats().pending == queued, "a note alone queues no mail at all"
        else:
            public_times.append(posted.article.created_at)

    reader = (*cast.acme, cast.beta)[viewer]
    if reader is cast.beta:
        with pytest.raises(NotFound):
            services.conversation(reader, ticket.number)
        return
    seen, cursor = [], ""
    while True:
        page = services.conversation(reader, ticket.number, cursor, page_size=page_size)
        seen += page.articles
        assert page.total == len(public_times)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert all(a.kind is not ArticleKind.INTERNAL_NOTE for a in seen)
    assert not any(marker in a.body for a in seen for marker in notes)
    assert len(seen) == len(public_times)
    [row] = services.list_tickets(reader, TicketQuery(text=ticket.number)).rows
    assert row.modified_at == max(public_times)  # ``Data modyfikacji``: public activity only
    for message in cast.outbox():  # no mail carries an article's text, a note's least
        assert "MARK-" not in str(message.mail.context)
        assert message.mail.to in customers | {INBOX}
    staff_total = services.conversation(cast.staff[0], ticket.number).total
    assert staff_total == len(public_times) + len(notes)
