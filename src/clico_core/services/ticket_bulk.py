"""Changing many tickets at once from the staff queue: assigning them or closing them, in
one transaction, all or nothing. One ticket that may not be changed refuses the whole
change (``BulkRefused`` naming it and why) and nothing is written."""

from __future__ import annotations

from collections.abc import Sequence

from ..audit import AuditKind
from ..errors import BulkRefused, ClicoError, ValidationFailed
from ..mail import MailTemplate
from ..policies import check_rule
from ..roles import require_staff
from ..ticket_status import StatusChangeAllowed, closed_error, move, role_of
from ..tickets import TicketStatus
from ..values import lookup_text
from .context import Ports, Viewer
from .ticket_changes import TicketChanges, visible_ticket

MAX_BULK = 100  # the queue's largest page


def _numbers(numbers: Sequence[str]) -> list[str]:
    unique = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    if not unique:
        raise ValidationFailed({"tickets": "required"})
    if len(unique) > MAX_BULK:
        raise ValidationFailed({"tickets": "too_many"})
    return unique


def bulk_assign(viewer: Viewer, numbers: Sequence[str], assignee_id: str | None,
                ports: Ports) -> int:
    """Assign every ticket named to the engineer (None, "": to nobody); how many changed.

    Errors: ``NotFound`` (a customer), ``ValidationFailed`` (no tickets, too many, not an
    engineer), ``BulkRefused`` (a ticket unknown or closed: nothing is changed).
    """
    require_staff(viewer.account)
    wanted_numbers = _numbers(numbers)
    wanted = lookup_text(assignee_id or "", 64)
    changed = 0
    with ports.uow() as uow:
        if wanted is not None:
            engineer = uow.accounts.get(wanted)
            if engineer is None or not engineer.is_staff:
                raise ValidationFailed({"assignee": "invalid_choice"})
        changes = TicketChanges(uow, ports, viewer.account, ports.clock.now())
        for number in wanted_numbers:
            try:
                ticket = visible_ticket(uow, viewer, number)
            except ClicoError as error:
                raise BulkRefused(number, error.code) from error
            if ticket.status is TicketStatus.CLOSED:
                raise BulkRefused(number, closed_error(ticket, changes.now,
                                                       ports.status_rules).code)
            if ticket.assignee_id == wanted:
                continue
            ticket.assignee_id = wanted
            changes.save(ticket)
            changes.record(AuditKind.TICKET_ASSIGNED, ticket, wanted or "")
            changed += 1
        uow.commit()
    return changed


def bulk_close(viewer: Viewer, numbers: Sequence[str], ports: Ports) -> int:
    """Close every ticket named (``Zamknij zgłoszenie`` for staff); how many.

    Errors: ``NotFound`` (a customer), ``ValidationFailed`` (no tickets, too many),
    ``BulkRefused`` (a ticket unknown or already closed: nothing is changed).
    """
    require_staff(viewer.account)
    wanted_numbers = _numbers(numbers)
    with ports.uow() as uow:
        changes = TicketChanges(uow, ports, viewer.account, ports.clock.now())
        for number in wanted_numbers:
            try:
                ticket = visible_ticket(uow, viewer, number)
                check_rule(StatusChangeAllowed(ticket, role_of(True), TicketStatus.CLOSED,
                                               changes.now, ports.status_rules))
            except ClicoError as error:
                raise BulkRefused(number, error.code) from error
            before = move(ticket, TicketStatus.CLOSED, changes.now)
            changes.save(ticket)
            changes.status_changed(ticket, before)
            changes.mail_reporter(MailTemplate.TICKET_CHANGED, ticket)
        uow.commit()
    return len(wanted_numbers)

