"""Changing a ticket without writing to it: its status, closing it, its priority and who
handles it (its history, for staff, is ``ticket_history``)."""

from __future__ import annotations

from ..audit import AuditKind
from ..errors import PermissionDenied, ValidationFailed
from ..mail import MailTemplate
from ..policies import check_rule
from ..ticket_status import StatusChangeAllowed, move, role_of
from ..tickets import Priority, TicketStatus
from ..values import lookup_text
from .context import Ports, Viewer
from .ticket_changes import TicketChanges, refuse_if_stale, visible_ticket


def _status(value: str) -> TicketStatus:
    try:
        return TicketStatus(value)
    except ValueError:
        raise ValidationFailed({"status": "invalid_choice"}) from None


def change_status(viewer: Viewer, number: str, status: str, ports: Ports,
                  expected_version: int | None = None) -> TicketStatus:
    """Set the status by hand, as the machine allows the viewer; the status after.

    Setting the status it already has changes nothing (two people resolving it at once).
    ``expected_version``: the ticket's version the form was rendered from.
    Errors: ``NotFound``, ``ValidationFailed`` (no such status), ``TransitionNotAllowed``,
    ``TicketClosed`` (a closed ticket is reopened by a reply, not by hand), ``StaleTicket``
    (changed since ``expected_version``: nothing saved).
    """
    target = _status(status)
    account = viewer.account
    with ports.uow() as uow:
        ticket = visible_ticket(uow, viewer, number)
        if ticket.status is target:
            return target
        refuse_if_stale(uow, ticket, expected_version)
        now = ports.clock.now()
        check_rule(StatusChangeAllowed(ticket, role_of(account.is_staff), target, now,
                                       ports.status_rules))
        changes = TicketChanges(uow, ports, account, now)
        before = move(ticket, target, now)
        changes.save(ticket)
        changes.status_changed(ticket, before)
        changes.mail_customers(MailTemplate.TICKET_CHANGED, ticket)
        if not account.is_staff:  # e.g. a customer closing it: whoever handles it learns
            changes.mail_staff(MailTemplate.TICKET_CHANGED, ticket)
        uow.commit()
        return target


def close_ticket(viewer: Viewer, number: str, ports: Ports,
                 expected_version: int | None = None) -> TicketStatus:
    """``Zamknij zgłoszenie``: the customer's people (or staff) close the ticket; closing a
    closed ticket again changes nothing. ``StaleTicket`` when it changed since
    ``expected_version`` (checked in the unit of work that closes it)."""
    return change_status(viewer, number, TicketStatus.CLOSED.value, ports, expected_version)


def change_priority(viewer: Viewer, number: str, priority: str, ports: Ports,
                    expected_version: int | None = None) -> Priority:
    """Staff set the priority (not public activity: ``Data modyfikacji`` stays).
    ``StaleTicket`` when the ticket changed since ``expected_version`` (as ``change_status``).
    """
    if not viewer.account.is_staff:
        raise PermissionDenied()
    try:
        wanted = Priority(priority)
    except ValueError:
        raise ValidationFailed({"priority": "invalid_choice"}) from None
    with ports.uow() as uow:
        ticket = visible_ticket(uow, viewer, number)
        if ticket.priority is wanted:
            return wanted
        refuse_if_stale(uow, ticket, expected_version)
        changes = TicketChanges(uow, ports, viewer.account, ports.clock.now())
        before, ticket.priority = ticket.priority, wanted
        changes.save(ticket)
        changes.record(AuditKind.TICKET_PRIORITY_CHANGED, ticket,
                       f"{before.value} -> {wanted.value}")
        uow.commit()
        return wanted


def assign_ticket(viewer: Viewer, number: str, assignee_id: str | None, ports: Ports,
                  expected_version: int | None = None) -> None:
    """Staff hand the ticket to an engineer (a staff account), or to nobody (None, "").
    ``StaleTicket`` when the ticket changed since ``expected_version`` (as ``change_status``).
    """
    if not viewer.account.is_staff:
        raise PermissionDenied()
    wanted = lookup_text(assignee_id or "", 64)
    with ports.uow() as uow:
        ticket = visible_ticket(uow, viewer, number)
        if wanted is not None:
            engineer = uow.accounts.get(wanted)
            if engineer is None or not engineer.is_staff:
                raise ValidationFailed({"assignee": "invalid_choice"})
        if ticket.assignee_id == wanted:
            return
        refuse_if_stale(uow, ticket, expected_version)
        changes = TicketChanges(uow, ports, viewer.account, ports.clock.now())
        ticket.assignee_id = wanted
        changes.save(ticket)
        changes.record(AuditKind.TICKET_ASSIGNED, ticket, wanted or "")
        uow.commit()
