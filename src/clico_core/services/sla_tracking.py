"""Keeping a ticket's SLA clocks in line with the ticket, inside the unit of work that
changes it: the clocks start with the ticket and follow every stored change (the rules are
in ``clico_core.sla.ticket_sla``).

The level of a technical ticket is its contract's ``support_level``; an administrative
ticket (or a contract naming a level nobody defined) takes ``SlaSettings.default_level``.
A level an administrator stored (``uow.support_levels``) wins over the built-in default of
the same name (``clico_core.sla.DEFAULT_SPECS``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..ports import UnitOfWork
from ..sla import (
    DEFAULT_SPECS,
    SlaEvent,
    SupportLevel,
    apply_sla,
    engineer_replied,
    follow_ticket,
)
from ..tickets import Ticket

if TYPE_CHECKING:
    from .context import Ports


def support_level(uow: UnitOfWork, ports: Ports, name: str | None) -> SupportLevel:
    """The level of that name: stored, else built in, else the default level."""
    for wanted in (name, ports.sla.default_level, "standard"):
        spec = (uow.support_levels.get(wanted) or DEFAULT_SPECS.get(wanted)) if wanted else None
        if spec is not None:
            return spec.level(ports.sla.holidays)
    raise LookupError("no support level defined")  # unreachable: "standard" is built in


def store_due_times(ticket: Ticket, level: SupportLevel, now: datetime) -> None:
    """Write what the clocks make due on the ticket, for the queue and the worker."""
    if ticket.sla is None:
        return
    dues = ticket.sla.due_times(level)
    ticket.first_response_due = dues.first_response_due
    ticket.resolution_due = dues.resolution_due
    ticket.sla_paused = dues.paused
    ticket.sla_warning_at = dues.warning_at
    alert_at = dues.alert_at
    if alert_at is not None and alert_at <= now and not level.calendar.is_open(now):
        alert_at = level.calendar.next_open(now)  # no alert at night on 8×5
    ticket.sla_alert_at = alert_at


def start_clocks(uow: UnitOfWork, ports: Ports, ticket: Ticket,
                 contract_level: str | None) -> list[SlaEvent]:
    """A new ticket's clocks, from its creation, before it is first stored."""
    level = support_level(uow, ports, contract_level)
    ticket.sla, events = apply_sla(level, ticket.priority, ticket.created_at)
    store_due_times(ticket, level, ticket.created_at)
    return events


def follow_clocks(uow: UnitOfWork, ports: Ports, ticket: Ticket, now: datetime, *,
                  answered: bool = False) -> list[SlaEvent]:
    """Before a changed ticket is stored: ``answered`` is a public engineer reply."""
    if ticket.sla is None:
        return []
    level = support_level(uow, ports, ticket.sla.level)
    events: list[SlaEvent] = []
    if answered:
        ticket.sla, events = engineer_replied(ticket.sla, level, now)
    ticket.sla, more = follow_ticket(ticket.sla, level, ticket.status, ticket.priority, now)
    store_due_times(ticket, level, now)
    return events + more


def event_detail(event: SlaEvent) -> str:
    """The history line's detail: ``"breach first_response"``."""
    return f"{event.kind.value} {event.clock.value}" if event.clock else event.kind.value
