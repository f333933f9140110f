"""Conformance: who has a ticket open, reply templates, and the ticket's version on its
history events (what a stale form is told changed since)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import evolve, frozen

from ...accounts import Account
from ...audit import AuditEvent, AuditKind
from ...ports import Seen, UnitOfWorkFactory
from ...reply_templates import ReplyTemplate
from ...tickets import Ticket
from .. import builders as b

T0 = b.T0
SECOND = timedelta(seconds=1)


@frozen
class Desk:
    tickets: list[Ticket]
    staff: list[Account]


class CollaborationConformance:
    @pytest.fixture
    def desk(self, uow_factory: UnitOfWorkFactory) -> Desk:
        company = b.company()
        staff = [b.account(company.id, f"eng{i}") for i in range(3)]
        tickets = [b.ticket(company.id, staff[0].id, f"CSS-00000{i}") for i in (1, 2)]
        with uow_factory() as uow:
            uow.companies.add(company)
            for account in staff:
                uow.accounts.add(account)
            for ticket in tickets:
                uow.tickets.add(ticket)
            uow.commit()
        return Desk(tickets, staff)

    def test_presence_keeps_the_latest_mark_per_ticket_and_account(
            self, uow_factory: UnitOfWorkFactory, desk: Desk) -> None:
        first, second = desk.tickets
        a, b_, c = (s.id for s in desk.staff)
        with uow_factory() as uow:
            uow.presence.touch(first.id, a, T0)
            uow.presence.touch(first.id, b_, T0 + 10 * SECOND)
            uow.presence.touch(first.id, a, T0 + 30 * SECOND)
            uow.presence.touch(first.id, a, T0 + 20 * SECOND)  # late: never moves back
            uow.presence.touch(second.id, c, T0 + 40 * SECOND)
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert uow.presence.seen_since(first.id, T0) == [
                Seen(a, T0 + 30 * SECOND), Seen(b_, T0 + 10 * SECOND)]
            assert uow.presence.seen_since(first.id, T0 + 11 * SECOND) == [
                Seen(a, T0 + 30 * SECOND)]
            assert uow.presence.seen_since(second.id, T0) == [Seen(c, T0 + 40 * SECOND)]

    def test_presence_marks_roll_back_and_old_ones_are_pruned(
            self, uow_factory: UnitOfWorkFactory, desk: Desk) -> None:
        ticket = desk.tickets[0]
        with uow_factory() as uow:
            uow.presence.touch(ticket.id, desk.staff[0].id, T0)  # never committed
        with uow_factory() as uow:
            assert uow.presence.seen_since(ticket.id, T0) == []
            for i, account in enumerate(desk.staff):
                uow.presence.touch(ticket.id, account.id, T0 + i * SECOND)
            uow.commit()
        with uow_factory() as uow:
            assert uow.presence.delete_older_than(T0 + 2 * SECOND, limit=1) == 1
            assert uow.presence.delete_older_than(T0 + 2 * SECOND, limit=10) == 1
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert uow.presence.seen_since(ticket.id, T0) == [
                Seen(desk.staff[2].id, T0 + 2 * SECOND)]

    def test_reply_templates_are_added_listed_by_title_updated_and_deleted(
            self, uow_factory: UnitOfWorkFactory, desk: Desk) -> None:
        author = desk.staff[0].id
        made = [ReplyTemplate(f"rt-{i}", title, f"<p>{title} {{{{ customer_name }}}}</p>",
                              author, T0, T0)
                for i, title in enumerate(["Restart", "Logs please", "Zamykamy", "Logs please"])]
        with uow_factory() as uow:
            for template in made:
                uow.reply_templates.add(template)
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert uow.reply_templates.list_all() == [made[1], made[3], made[0], made[2]]
            assert uow.reply_templates.get("rt-0") == made[0]
            assert uow.reply_templates.get("rt-9") is None
        changed = evolve(made[0], title="Reboot", body="<p>new</p>",
                         updated_at=T0 + SECOND)
        with uow_factory() as uow:
            assert uow.reply_templates.update(changed)
            assert not uow.reply_templates.update(evolve(changed, id="rt-9"))
            assert uow.reply_templates.delete("rt-2")
            assert not uow.reply_templates.delete("rt-2")
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert uow.reply_templates.get("rt-0") == changed
            assert [t.id for t in uow.reply_templates.list_all()] == ["rt-1", "rt-3", "rt-0"]

    def test_history_events_keep_the_ticket_version_they_made(
            self, uow_factory: UnitOfWorkFactory, desk: Desk) -> None:
        ticket = desk.tickets[0]
        events = [AuditEvent(AuditKind.TICKET_STATUS_CHANGED, T0, desk.staff[1].id,
                             detail="new -> open", ticket_id=ticket.id, ticket_version=1),
                  AuditEvent(AuditKind.TICKET_OPENED, T0, desk.staff[0].id,
                             ticket_id=ticket.id)]
        with uow_factory() as uow:
            for event in events:
                uow.audit.record(event)
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert uow.audit.for_ticket(ticket.id) == events
