"""Conformance: the ticket list (scope, filters, sort, keyset paging, capped count)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from attrs import evolve, frozen

from ...assets import Asset
from ...companies import Company
from ...ports import UnitOfWorkFactory
from ...tickets import (
    COUNT_CAP,
    Priority,
    SortColumn,
    Ticket,
    TicketPage,
    TicketQuery,
    TicketRow,
    TicketScope,
    TicketStatus,
    due_order,
)
from .. import builders as b

T0 = b.T0
STATUSES = list(TicketStatus)


@frozen
class ListWorld:
    acme: Company
    beta: Company
    asset: Asset
    tickets: list[Ticket]


class TicketListConformance:
    @pytest.fixture
    def list_world(self, uow_factory: UnitOfWorkFactory) -> ListWorld:
        """Two companies; 23 tickets for Acme with varied fields, 4 for Beta."""
        acme, beta = b.company("Acme"), b.company("Beta")
        reporter_a, reporter_b = b.account(acme.id), b.account(beta.id)
        pa = b.asset(acme.id)
        tickets: list[Ticket] = []
        for i in range(23):
            tickets.append(b.ticket(
                acme.id, reporter_a.id, f"CSS-{i + 1:06d}", subject=f"subject {i % 7:02d}",
                status=STATUSES[i % len(STATUSES)], priority=list(Priority)[i % 4],
                asset_ids=[pa.id] if i % 3 == 0 else None,
                minutes=(i * 37) % 23 * 60,  # modified times shuffled, some days apart
            ))
        for i in range(4):
            tickets.append(b.ticket(beta.id, reporter_b.id, f"CSS-{100 + i:06d}",
                                    subject="beta secret", minutes=i))
        # equal modified times must still page deterministically (ties broken by id)
        tickets[1] = evolve(tickets[1], modified_at=tickets[2].modified_at)
        with uow_factory() as uow:
            uow.companies.add(acme)
            uow.companies.add(beta)
            uow.accounts.add(reporter_a)
            uow.accounts.add(reporter_b)
            uow.assets.add(pa)
            for t in tickets:
                uow.tickets.add(t)
            uow.commit()
        return ListWorld(acme, beta, pa, tickets)

    @staticmethod
    def _walk(uow_factory: UnitOfWorkFactory, scope: TicketScope, query: TicketQuery
              ) -> list[TicketPage]:
        pages = []
        with uow_factory(readonly=True) as uow:
            page = uow.tickets.page_for(scope, query)
            pages.append(page)
            while page.next_cursor is not None:
                page = uow.tickets.page_for(scope, evolve(query, cursor=page.next_cursor))
                pages.append(page)
                assert len(pages) < 100
        return pages

    def test_scope_and_default_open_statuses(self, uow_factory: UnitOfWorkFactory,
                                             list_world: ListWorld) -> None:
        acme, tickets = list_world.acme, list_world.tickets
        scope = TicketScope(frozenset({acme.id}))
        with uow_factory(readonly=True) as uow:
            page = uow.tickets.page_for(scope, TicketQuery(page_size=100))
            everything = uow.tickets.page_for(scope, TicketQuery(page_size=100, show_closed=True))
            staff = uow.tickets.page_for(TicketScope(frozenset(), everything=True),
                                         TicketQuery(page_size=100, show_closed=True))
        open_acme = {t.number for t in tickets if t.company_id == acme.id
                     and t.status is not TicketStatus.CLOSED}
        assert {r.number for r in page.rows} == open_acme
        assert page.total == len(open_acme) and not page.total_capped
        assert {r.company_name for r in everything.rows} == {"Acme"}
        assert everything.total == 23
        assert staff.total == 27

    @pytest.mark.parametrize("column", list(SortColumn))
    @pytest.mark.parametrize("descending", [True, False])
    def test_keyset_paging_visits_every_row_once_in_order(
            self, uow_factory: UnitOfWorkFactory, list_world: ListWorld,
            column: SortColumn, descending: bool) -> None:
        acme = list_world.acme
        scope = TicketScope(frozenset({acme.id}))
        query = TicketQuery(show_closed=True, sort=column, descending=descending, page_size=10)
        pages = self._walk(uow_factory, scope, query)
        rows = [r for p in pages for r in p.rows]
        assert len(rows) == 23 and len({r.id for r in rows}) == 23
        assert [len(p.rows) for p in pages] == [10, 10, 3]
        keys = [(_value(r, column), r.id) for r in rows]
        assert keys == sorted(keys, reverse=descending)
        assert pages[0].previous_cursor is None and pages[-1].next_cursor is None
        # and back again: the previous cursor of page 3 gives page 2
        with uow_factory(readonly=True) as uow:
            back = uow.tickets.page_for(scope, evolve(query, cursor=pages[2].previous_cursor))
        assert [r.id for r in back.rows] == [r.id for r in pages[1].rows]
        assert back.previous_cursor is not None and back.next_cursor is not None

    def test_filters(self, uow_factory: UnitOfWorkFactory, list_world: ListWorld) -> None:
        acme, beta, asset = list_world.acme, list_world.beta, list_world.asset
        tickets = list_world.tickets
        scope = TicketScope(frozenset({acme.id, beta.id}))
        base = TicketQuery(page_size=100, show_closed=True)

        def numbers(query: TicketQuery) -> set[str]:
            with uow_factory(readonly=True) as uow:
                return {r.number for r in uow.tickets.page_for(scope, query).rows}

        def expect(pred: Callable[[Ticket], bool]) -> set[str]:
            return {t.number for t in tickets if pred(t)}

        assert numbers(evolve(base, priority=Priority.HIGH)) == expect(
            lambda t: t.priority is Priority.HIGH)
        assert numbers(evolve(base, company_id=beta.id)) == expect(
            lambda t: t.company_id == beta.id)
        assert numbers(evolve(base, asset_id=asset.id)) == expect(
            lambda t: asset.id in t.asset_ids)
        assert numbers(evolve(base, statuses=frozenset({TicketStatus.CLOSED}))) == expect(
            lambda t: t.status is TicketStatus.CLOSED)
        assert numbers(evolve(base, text="SUBJECT 03")) == expect(lambda t: t.subject ==
                                                                  "subject 03")
        assert numbers(evolve(base, text="css-000012")) == {"CSS-000012"}
        day = T0.date() + timedelta(days=1)
        assert numbers(evolve(base, modified_from=day, modified_to=day)) == expect(
            lambda t: t.modified_at.date() == day)
        assert numbers(evolve(base, modified_to=T0.date())) == expect(
            lambda t: t.modified_at.date() <= T0.date())
        assert numbers(evolve(base, modified_from=date(2030, 1, 1))) == set()

    def test_count_is_capped(self, uow_factory: UnitOfWorkFactory) -> None:
        acme = b.company()
        reporter = b.account(acme.id)
        with uow_factory() as uow:
            uow.companies.add(acme)
            uow.accounts.add(reporter)
            for i in range(COUNT_CAP + 1):
                uow.tickets.add(b.ticket(acme.id, reporter.id, f"N-{i:06d}", minutes=i))
            uow.commit()
        with uow_factory(readonly=True) as uow:
            page = uow.tickets.page_for(TicketScope(frozenset({acme.id})), TicketQuery())
        assert page.total == COUNT_CAP and page.total_capped
        assert len(page.rows) == 25 and page.next_cursor is not None


_ATTRIBUTE = {
    SortColumn.NUMBER: "number", SortColumn.SUBJECT: "subject",
    SortColumn.MODIFIED: "modified_at", SortColumn.COMPANY: "company_name",
    SortColumn.CREATED: "created_at", SortColumn.STATUS: "status",
}


def _value(row: TicketRow, column: SortColumn) -> object:
    if column is SortColumn.DUE:  # the nearest due time, none after every due one
        return due_order(row.sla_due, row.created_at)
    value = getattr(row, _ATTRIBUTE[column])
    return value.value if column is SortColumn.STATUS else value
