"""What every change to a ticket does besides the change: find the ticket the viewer may
see, store its new state, write the history event and queue the mails, in one transaction.

Mail routing (docs/security.md): staff's public replies and status changes go to the
reporter; a customer's reply goes to the assigned engineer, or to the support inbox when
nobody is assigned. No mail ever carries an article's text, and an internal note alone
queues none.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from ..accounts import Account, AccountState
from ..audit import AuditEvent, AuditKind
from ..errors import NotFound, TransientConflict
from ..mail import THREAD_KEY, MailTemplate, OutgoingMail
from ..ports import UnitOfWork
from ..tickets import Ticket, TicketStatus
from ..values import lookup_text
from .context import Ports, Viewer
from .sla_tracking import event_detail, follow_clocks


def visible_ticket(uow: UnitOfWork, viewer: Viewer, number: str) -> Ticket:
    """The ticket of that number if the viewer may see it; ``NotFound`` either way else."""
    wanted = lookup_text(number, 32)
    ticket = uow.tickets.get_by_number(wanted) if wanted else None
    if ticket is None or not viewer.scope.allows_ticket(ticket.company_id, ticket.reporter_id):
        raise NotFound()
    return ticket


@frozen
class TicketChanges:
    """Records the consequences of changes made by ``actor`` (None: the portal itself)."""

    uow: UnitOfWork
    ports: Ports
    actor: Account | None
    now: datetime

    def save(self, ticket: Ticket, *, answered: bool = False) -> None:
        """Store the ticket's new state, its SLA clocks brought in line (``answered``: a
        public engineer reply); a concurrent change since it was read means the decision
        was made on stale facts, so the whole use case runs again."""
        for event in follow_clocks(self.uow, self.ports, ticket, self.now, answered=answered):
            self.record(AuditKind.TICKET_SLA, ticket, event_detail(event))
        if not self.uow.tickets.update_state(ticket):
            raise TransientConflict("the ticket changed while this change was decided")

    def record(self, kind: AuditKind, ticket: Ticket, detail: str = "") -> None:
        self.uow.audit.record(AuditEvent(
            kind, self.now, self.actor.id if self.actor else None, detail=detail,
            ticket_id=ticket.id))

    def status_changed(self, ticket: Ticket, before: TicketStatus) -> None:
        if ticket.status is not before:
            self.record(AuditKind.TICKET_STATUS_CHANGED, ticket,
                        f"{before.value} -> {ticket.status.value}")

    def _context(self, ticket: Ticket, name: str, **extra: str) -> dict[str, str]:
        return {"name": name, THREAD_KEY: ticket.id, "number": ticket.number,
                "subject": ticket.subject, "status": ticket.status.value,
                "link_path": f"/tickets/{ticket.number}", **extra}

    def mail_reporter(self, template: MailTemplate, ticket: Ticket, **extra: str) -> None:
        """To the reporter (not when they made the change themselves, nor if disabled)."""
        reporter = self.uow.accounts.get(ticket.reporter_id)
        if reporter is None or reporter.state is AccountState.DISABLED:
            return
        if self.actor is not None and reporter.id == self.actor.id:
            return
        self.uow.outbox.add(OutgoingMail(template, reporter.email, reporter.language,
                                         self._context(ticket, reporter.full_name, **extra)),
                            self.now)

    def mail_staff(self, template: MailTemplate, ticket: Ticket, **extra: str) -> None:
        """To the assigned engineer, else the support inbox (if one is configured)."""
        engineer = self.uow.accounts.get(ticket.assignee_id) if ticket.assignee_id else None
        if engineer is not None and engineer.is_staff \
                and engineer.state is not AccountState.DISABLED:
            self.uow.outbox.add(OutgoingMail(template, engineer.email, engineer.language,
                                             self._context(ticket, engineer.full_name,
                                                           **extra)), self.now)
        elif self.ports.support_inbox:
            self.uow.outbox.add(OutgoingMail(template, self.ports.support_inbox,
                                             self.ports.language,
                                             self._context(ticket, "", **extra)), self.now)
