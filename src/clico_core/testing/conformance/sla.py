"""Conformance: a ticket's SLA clocks and due times, the alert walk, the report's walk and
the support levels administrators store."""

from __future__ import annotations

from datetime import date, timedelta

from attrs import evolve

from ...ports import UnitOfWorkFactory
from ...sla import DEFAULT_SPECS, Shift, apply_sla, default_levels, follow_ticket
from ...tickets import Priority, Ticket, TicketStatus
from .. import builders as b

T0 = b.T0


def _with_clocks(ticket: Ticket, level: str = "premium") -> Ticket:
    chosen = default_levels()[level]
    sla, _ = apply_sla(chosen, ticket.priority, ticket.created_at)
    dues = sla.due_times(chosen)
    return evolve(ticket, sla=sla, first_response_due=dues.first_response_due,
                  resolution_due=dues.resolution_due, sla_alert_at=sla.next_alert_at(chosen))


class SlaConformance:
    def _store(self, uow_factory: UnitOfWorkFactory, *tickets: Ticket) -> None:
        with uow_factory() as uow:
            company = b.company()
            reporter = b.account(company.id)
            uow.companies.add(company)
            uow.accounts.add(reporter)
            for ticket in tickets:
                uow.tickets.add(evolve(ticket, company_id=company.id, reporter_id=reporter.id))
            uow.commit()

    def test_a_tickets_clocks_and_due_times_round_trip(self, uow_factory: UnitOfWorkFactory
                                                       ) -> None:
        ticket = _with_clocks(b.ticket("co", "ac", "CSS-000001"))
        self._store(uow_factory, ticket)
        level = default_levels()["premium"]
        with uow_factory() as uow:
            loaded = uow.tickets.get(ticket.id)
            assert loaded is not None
            assert (loaded.sla, loaded.first_response_due, loaded.resolution_due,
                    loaded.sla_alert_at, loaded.sla_paused) == (
                ticket.sla, ticket.first_response_due, ticket.resolution_due,
                ticket.sla_alert_at, False)
            assert loaded.sla is not None
            later = T0 + timedelta(minutes=10)
            loaded.sla, _ = follow_ticket(loaded.sla, level, TicketStatus.WAITING_FOR_CUSTOMER,
                                          loaded.priority, later)
            loaded.sla_paused, loaded.resolution_due = True, None
            assert uow.tickets.update_state(loaded)
            uow.commit()
        with uow_factory(readonly=True) as uow:
            again = uow.tickets.get(ticket.id)
            assert again is not None and again.sla == loaded.sla
            assert again.sla_paused and again.resolution_due is None

    def test_tickets_without_clocks_stay_without(self, uow_factory: UnitOfWorkFactory) -> None:
        ticket = b.ticket("co", "ac", "CSS-000001")
        self._store(uow_factory, ticket)
        with uow_factory(readonly=True) as uow:
            loaded = uow.tickets.get(ticket.id)
            assert loaded is not None and loaded.sla is None and loaded.sla_due is None

    def test_alerts_due_are_walked_earliest_first(self, uow_factory: UnitOfWorkFactory
                                                   ) -> None:
        tickets = [evolve(b.ticket("co", "ac", f"CSS-{i:06d}"),
                          sla_alert_at=T0 + timedelta(minutes=(7 * i) % 5))
                   for i in range(5)]
        self._store(uow_factory, *tickets, b.ticket("co", "ac", "CSS-000099"))
        with uow_factory(readonly=True) as uow:
            due = uow.tickets.sla_alerts_due(T0 + timedelta(minutes=2), limit=10)
            assert uow.tickets.sla_alerts_due(T0 + timedelta(minutes=2), limit=2) == due[:2]
        expected = sorted((t.sla_alert_at, t.id) for t in tickets
                          if t.sla_alert_at and t.sla_alert_at <= T0 + timedelta(minutes=2))
        assert due == [ticket_id for _, ticket_id in expected]

    def test_the_report_walks_tickets_with_clocks_by_creation(
            self, uow_factory: UnitOfWorkFactory) -> None:
        tickets = [_with_clocks(b.ticket("co", "ac", f"CSS-{i:06d}", minutes=i * 60))
                   for i in range(5)]
        self._store(uow_factory, *tickets, b.ticket("co", "ac", "CSS-000099", minutes=90))
        walked = []
        with uow_factory(readonly=True) as uow:
            after = None
            while True:
                batch = uow.tickets.sla_records(T0 + timedelta(hours=1), T0 + timedelta(hours=4),
                                                after, limit=2)
                walked += batch
                if len(batch) < 2:
                    break
                after = batch[-1]
        assert [r.id for r in walked] == [t.id for t in tickets[1:4]]
        assert walked[0].sla == tickets[1].sla, (walked[0].sla, tickets[1].sla)
        assert walked[0].created_at == tickets[1].created_at

    def test_support_levels_are_stored_and_replaced(self, uow_factory: UnitOfWorkFactory
                                                    ) -> None:
        spec = evolve(DEFAULT_SPECS["standard"], name="gold",
                      week=((Shift.of("07:00", "12:00"), Shift.of("13:00", "19:00")),) * 5
                      + ((), ()), extra_days_off=frozenset({date(2026, 12, 31)}))
        with uow_factory() as uow:
            assert uow.support_levels.get("gold") is None
            uow.support_levels.put(spec)
            uow.support_levels.put(DEFAULT_SPECS["premium"])
            uow.commit()
        faster = evolve(spec, targets={**spec.targets, Priority.LOW: spec.targets[
            Priority.CRITICAL]})
        with uow_factory() as uow:
            assert uow.support_levels.get("gold") == spec
            uow.support_levels.put(faster)
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert uow.support_levels.list_all() == [faster, DEFAULT_SPECS["premium"]]
