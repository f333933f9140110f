"""Conformance: the staff queue's filters on the ticket list (engineer, nobody, vendor, age)
and the engineer's name on staff rows, through every page of the keyset."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from attrs import evolve

from ...ports import UnitOfWorkFactory
from ...tickets import Ticket, TicketQuery, TicketScope, TicketStatus
from ...values import Role
from .. import builders as b

STAFF = TicketScope(frozenset(), everything=True)


class QueueConformance:
    def _queue_world(self, uow_factory: UnitOfWorkFactory) -> tuple[list[Ticket], str, str]:
        """17 tickets: a third Ewa's, a third Olek's, the rest nobody's; every fourth on a
        Cisco asset; created a day apart."""
        acme, clico = b.company("Acme"), b.company("CLICO")
        reporter = b.account(acme.id)
        ewa = b.account(clico.id, "ewa", first_name="Ewa", last_name="Nowak", role=Role.ENGINEER)
        olek = b.account(clico.id, "olek", first_name="Olek", last_name="Lis", role=Role.ADMIN)
        cisco, palo = b.asset(acme.id, vendor="CISCO"), b.asset(acme.id)
        made = []
        for i in range(17):
            ticket = b.ticket(acme.id, reporter.id, f"CSS-{i + 1:06d}", minutes=i * 24 * 60,
                              status=list(TicketStatus)[i % 5],
                              asset_ids=[cisco.id] if i % 4 == 0 else [palo.id])
            made.append(evolve(ticket, assignee_id=(ewa.id, olek.id, None)[i % 3]))
        with uow_factory() as uow:
            for company in (acme, clico):
                uow.companies.add(company)
            for account in (reporter, ewa, olek):
                uow.accounts.add(account)
            uow.assets.add(cisco)
            uow.assets.add(palo)
            for ticket in made:
                uow.tickets.add(ticket)
            uow.commit()
        return made, ewa.id, olek.id

    @staticmethod
    def _queue_rows(uow_factory: UnitOfWorkFactory, query: TicketQuery) -> list[tuple[str, str]]:
        rows = []
        with uow_factory(readonly=True) as uow:
            page = uow.tickets.page_for(STAFF, evolve(query, page_size=10))
            rows += [(r.number, r.assignee_name) for r in page.rows]
            while page.next_cursor is not None:
                page = uow.tickets.page_for(STAFF, evolve(query, page_size=10,
                                                          cursor=page.next_cursor))
                rows += [(r.number, r.assignee_name) for r in page.rows]
        return rows

    def test_queue_filters(self, uow_factory: UnitOfWorkFactory) -> None:
        made, ewa, olek = self._queue_world(uow_factory)
        every = TicketQuery(show_closed=True)

        def numbers(**changes: Any) -> set[str]:
            return {n for n, _ in self._queue_rows(uow_factory, evolve(every, **changes))}

        def expected(keep: Callable[[Ticket], bool]) -> set[str]:
            return {t.number for t in made if keep(t)}

        assert numbers(assignee_id=ewa) == expected(lambda t: t.assignee_id == ewa)
        assert numbers(unassigned=True) == expected(lambda t: t.assignee_id is None)
        assert numbers(unassigned=True, show_closed=False) == expected(
            lambda t: t.assignee_id is None and t.status is not TicketStatus.CLOSED)
        assert numbers(assignee_id=olek, show_closed=False) == expected(
            lambda t: t.assignee_id == olek and t.status is not TicketStatus.CLOSED)
        assert numbers(vendor="cisco") == expected(lambda t: t.asset_ids == made[0].asset_ids)
        assert numbers(vendor="nobody") == set()
        moment = made[8].created_at
        assert numbers(created_before=moment) == expected(lambda t: t.created_at < moment)
        assert numbers(created_before=moment + timedelta(seconds=1), vendor="cisco",
                       unassigned=True) == expected(
            lambda t: t.created_at <= moment and t.asset_ids == made[0].asset_ids
            and t.assignee_id is None)
        assert numbers(unassigned=True, assignee_id=ewa) == set()

    def test_staff_rows_name_the_engineer(self, uow_factory: UnitOfWorkFactory) -> None:
        made, ewa, _ = self._queue_world(uow_factory)
        names = dict(self._queue_rows(uow_factory, TicketQuery(show_closed=True)))
        for ticket in made:
            wanted = {ewa: "Ewa Nowak", None: ""}.get(ticket.assignee_id, "Olek Lis")
            assert names[ticket.number] == wanted
        with uow_factory(readonly=True) as uow:
            customer = TicketScope(frozenset({made[0].company_id}))
            rows = uow.tickets.page_for(customer, TicketQuery(show_closed=True)).rows
        assert rows and all(r.assignee_name == "" for r in rows)  # customers: not shown
