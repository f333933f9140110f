"""Conformance: the conversation's storage (articles, the ticket's state, its history)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import evolve, frozen

from ...accounts import Account
from ...articles import Article, ArticleCursor, ArticleKind, ArticlePage
from ...audit import AuditEvent, AuditKind
from ...errors import ConcurrencyConflict
from ...ports import QuietTicket, UnitOfWorkFactory
from ...tickets import Priority, Ticket, TicketLink, TicketStatus
from .. import builders as b

T0 = b.T0
NOTE, REPLY = ArticleKind.INTERNAL_NOTE, ArticleKind.PUBLIC_REPLY


@frozen
class Thread:
    ticket: Ticket
    author: Account
    articles: list[Article]  # in thread order


class ArticleConformance:
    @pytest.fixture
    def thread(self, uow_factory: UnitOfWorkFactory) -> Thread:
        """A ticket with 9 articles (every third a note, two pairs at one moment) and
        another ticket with one article."""
        company = b.company()
        author = b.account(company.id)
        ticket = b.ticket(company.id, author.id, "CSS-000001")
        other = b.ticket(company.id, author.id, "CSS-000002")
        kinds = [ArticleKind.DESCRIPTION] + [NOTE if i % 3 == 0 else REPLY for i in range(1, 9)]
        minutes = [0, 1, 2, 2, 3, 4, 4, 5, 6]  # ties at 2 and 4: the id decides
        articles = [b.article(ticket.id, author.id, kind=k, minutes=m,
                              article_id=f"ar-{8 - i:02d}", body=f"<p>article {i}</p>")
                    for i, (k, m) in enumerate(zip(kinds, minutes, strict=True))]
        with uow_factory() as uow:
            uow.companies.add(company)
            uow.accounts.add(author)
            uow.tickets.add(ticket)
            uow.tickets.add(other)
            for article in reversed(articles):
                uow.articles.add(article)
            uow.articles.add(b.article(other.id, author.id))
            uow.commit()
        return Thread(ticket, author, sorted(articles, key=lambda a: (a.created_at, a.id)))

    @staticmethod
    def _walk_thread(uow_factory: UnitOfWorkFactory, ticket_id: str, staff: bool, size: int
              ) -> list[ArticlePage]:
        pages: list[ArticlePage] = []
        cursor = None
        with uow_factory(readonly=True) as uow:
            while True:
                page = uow.articles.page_for(ticket_id, include_internal=staff, after=cursor,
                                             limit=size)
                pages.append(page)
                if page.next_cursor is None:
                    return pages
                cursor = ArticleCursor.parse(page.next_cursor.token())

    def test_an_article_round_trips(self, uow_factory: UnitOfWorkFactory,
                                    thread: Thread) -> None:
        first = evolve(thread.articles[1], attachment_ids=("blob-1", "blob-2"), id="with-blobs",
                       idempotency_key="key-1", created_at=T0 + timedelta(microseconds=7))
        with uow_factory() as uow:
            uow.articles.add(first)
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert uow.articles.get(first.id) == first
            assert uow.articles.get_by_idempotency_key(first.author_id, "key-1") == first
            assert uow.articles.get_by_idempotency_key(first.author_id, "key-2") is None
            assert uow.articles.get("missing") is None

    def test_an_authors_idempotency_key_is_used_once(self, uow_factory: UnitOfWorkFactory,
                                                     thread: Thread) -> None:
        ticket, author = thread.ticket, thread.author
        with uow_factory() as uow:
            uow.articles.add(b.article(ticket.id, author.id, idempotency_key="k"))
            uow.articles.add(b.article(ticket.id, author.id))
            uow.articles.add(b.article(ticket.id, author.id))
            uow.commit()
        with pytest.raises(ConcurrencyConflict), uow_factory() as uow:
            uow.articles.add(b.article(ticket.id, author.id, idempotency_key="k"))

    @pytest.mark.parametrize("size", [1, 2, 4, 50])
    @pytest.mark.parametrize("staff", [True, False])
    def test_a_thread_pages_oldest_first_and_notes_only_for_staff(
            self, uow_factory: UnitOfWorkFactory, thread: Thread, size: int,
            staff: bool) -> None:
        ticket, articles = thread.ticket, thread.articles
        expected = [a for a in articles if staff or a.kind is not NOTE]
        pages = self._walk_thread(uow_factory, ticket.id, staff, size)
        assert [a for page in pages for a in page.articles] == expected
        assert all(len(page.articles) == size for page in pages[:-1])
        assert 0 < len(pages[-1].articles) <= size
        with uow_factory(readonly=True) as uow:
            assert uow.articles.count_for(ticket.id, include_internal=staff) == len(expected)
            assert uow.articles.count_for("missing", include_internal=staff) == 0
            empty = uow.articles.page_for("missing", include_internal=staff, after=None,
                                          limit=size)
        assert empty == ArticlePage((), None)

    def test_the_ticket_state_is_written_only_over_the_version_read(
            self, uow_factory: UnitOfWorkFactory) -> None:
        company = b.company()
        reporter, engineer = b.account(company.id), b.account(company.id)
        ticket = b.ticket(company.id, reporter.id, "CSS-000001")
        with uow_factory() as uow:
            uow.companies.add(company)
            uow.accounts.add(reporter)
            uow.accounts.add(engineer)
            uow.tickets.add(ticket)
            uow.commit()
        with uow_factory() as uow:
            first = uow.tickets.get(ticket.id)
            assert first is not None and first.version == 0
            stale = evolve(first)
            first.status, first.priority = TicketStatus.RESOLVED, Priority.HIGH
            first.modified_at = first.resolved_at = T0 + timedelta(days=1)
            first.assignee_id, first.close_reminded_at = engineer.id, T0 + timedelta(days=2)
            assert uow.tickets.update_state(first)
            assert first.version == 1
            stale.status = TicketStatus.CLOSED
            assert not uow.tickets.update_state(stale)  # read before the first write
            uow.commit()
        with uow_factory(readonly=True) as uow:
            loaded = uow.tickets.get(ticket.id)
        assert loaded is not None
        assert (loaded.status, loaded.priority, loaded.version) == (
            TicketStatus.RESOLVED, Priority.HIGH, 1)
        assert (loaded.resolved_at, loaded.modified_at) == (T0 + timedelta(days=1),) * 2
        assert (loaded.assignee_id, loaded.close_reminded_at) == (engineer.id,
                                                                  T0 + timedelta(days=2))
        assert (loaded.closed_at, loaded.subject) == (None, ticket.subject)

    def test_quiet_resolved_tickets_are_walked_in_order(self, uow_factory: UnitOfWorkFactory
                                                        ) -> None:
        company = b.company()
        reporter = b.account(company.id)
        resolved = [b.ticket(company.id, reporter.id, f"CSS-{i:06d}", minutes=i // 2 * 60,
                             status=TicketStatus.RESOLVED) for i in range(7)]
        resolved[5] = evolve(resolved[5], close_reminded_at=resolved[5].modified_at)
        resolved[6] = evolve(resolved[6], close_reminded_at=T0 - timedelta(days=1))
        others = [b.ticket(company.id, reporter.id, f"CSS-{10 + i:06d}", status=s)
                  for i, s in enumerate(TicketStatus) if s is not TicketStatus.RESOLVED]
        with uow_factory() as uow:
            uow.companies.add(company)
            uow.accounts.add(reporter)
            for t in resolved + others:
                uow.tickets.add(t)
            uow.commit()
        order = sorted(resolved, key=lambda t: (t.modified_at, t.id))
        since = T0 + timedelta(hours=2)
        with uow_factory(readonly=True) as uow:
            walked: list[QuietTicket] = []
            after = None
            while True:
                batch = uow.tickets.resolved_quiet(since, unreminded=False, after=after,
                                                   limit=2)
                walked += batch
                if len(batch) < 2:
                    break
                after = batch[-1]
            unreminded = uow.tickets.resolved_quiet(since, unreminded=True, after=None,
                                                    limit=100)
        assert walked == [QuietTicket(t.id, t.modified_at) for t in order
                          if t.modified_at <= since]
        assert [q.id for q in unreminded] == [t.id for t in order if t.modified_at <= since
                                              and t.id != resolved[5].id]

    def test_follow_ups_are_found_from_the_ticket_they_follow(
            self, uow_factory: UnitOfWorkFactory) -> None:
        company, other = b.company(), b.company("Beta")
        reporter = b.account(company.id)
        old = b.ticket(company.id, reporter.id, "CSS-000001", status=TicketStatus.CLOSED)
        later = evolve(b.ticket(company.id, reporter.id, "CSS-000003", minutes=60),
                       follows_id=old.id)
        first = evolve(b.ticket(other.id, reporter.id, "CSS-000002", minutes=30),
                       follows_id=old.id)
        unrelated = evolve(b.ticket(company.id, reporter.id, "CSS-000004", minutes=90),
                           follows_id=later.id)
        with uow_factory() as uow:
            uow.companies.add(company)
            uow.companies.add(other)
            uow.accounts.add(reporter)
            for t in (old, later, first, unrelated):
                uow.tickets.add(t)
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert uow.tickets.follow_ups_of(old.id) == [  # oldest first
                TicketLink(first.id, "CSS-000002", other.id, reporter.id),
                TicketLink(later.id, "CSS-000003", company.id, reporter.id)]
            assert [t.number for t in uow.tickets.follow_ups_of(later.id)] == ["CSS-000004"]
            assert uow.tickets.follow_ups_of(unrelated.id) == []
            loaded = uow.tickets.get(later.id)
            assert loaded is not None and loaded.follows_id == old.id

    def test_a_tickets_history_is_kept_oldest_first(self, uow_factory: UnitOfWorkFactory
                                                    ) -> None:
        events = [AuditEvent(AuditKind.TICKET_STATUS_CHANGED, T0 + timedelta(minutes=i),
                             "ac-1", detail=f"step {i}", ticket_id="tk-1" if i % 2 else "tk-2")
                  for i in range(6)]
        with uow_factory() as uow:
            for event in events:
                uow.audit.record(event)
            uow.audit.record(AuditEvent(AuditKind.SIGNED_IN, T0, "ac-1"))
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert uow.audit.for_ticket("tk-1") == events[1::2]
            assert uow.audit.for_ticket("tk-2", limit=2) == events[0:4:2]
            assert uow.audit.for_ticket("tk-3") == []
            assert uow.audit.recent("ac-1", limit=1)[0].ticket_id is None

    def test_a_tickets_history_is_read_in_ranges_of_the_log(self, uow_factory: UnitOfWorkFactory
                                                           ) -> None:
        assigned, status = AuditKind.TICKET_ASSIGNED, AuditKind.TICKET_STATUS_CHANGED
        events = [AuditEvent(assigned if i % 3 == 0 else status, T0 + timedelta(minutes=i),
                             "ac-1", detail=f"step {i}", ticket_id="tk-1" if i % 2 else "tk-2")
                  for i in range(12)]
        with uow_factory() as uow:
            for event in events:
                uow.audit.record(event)
            uow.commit()
        with uow_factory(readonly=True) as uow:
            mine = events[1::2]
            logged = uow.audit.ticket_events("tk-1", 100)
            assert [r.event for r in logged] == mine
            seqs = [r.seq for r in logged]
            assert seqs == sorted(set(seqs))
            assert [r.event for r in uow.audit.ticket_events("tk-1", 2)] == mine[:2]
            assert [r.event for r in uow.audit.ticket_events("tk-1", 2, seqs[1])] == mine[2:4]
            assert uow.audit.ticket_events("tk-1", 2, seqs[-1]) == []
            assert [r.event for r in uow.audit.ticket_events("tk-1", 2, newest=True)
                    ] == mine[-2:]
            assert uow.audit.ticket_events("tk-1", 100, newest=True) == logged
            assert uow.audit.ticket_events("tk-3", 5, newest=True) == []
            assert uow.audit.last_before("tk-1", assigned, seqs[-1]) == events[9]
            assert uow.audit.last_before("tk-1", assigned, seqs[4]) == events[3]
            assert uow.audit.last_before("tk-1", assigned, seqs[1]) is None
            assert uow.audit.last_before("tk-2", assigned, seqs[-1] + 1) == events[6]
