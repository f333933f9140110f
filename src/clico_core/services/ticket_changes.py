"""What every change to a ticket does besides the change: find the ticket the viewer may
see, store its new state, write the history event and queue the mails, in one transaction.

Mail routing (docs/security.md): staff's public replies and every status change go to the
reporter and to the colleagues who asked for their company's tickets
(``notify_company_tickets``, only those who may see the ticket), each once, never to the
person who made the change; a customer's reply or status change (closing the ticket) goes
to the assigned engineer, or to the support inbox when nobody is assigned. No mail ever
carries an article's text, and an internal note alone queues none.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from ..accounts import Account, AccountState
from ..audit import AuditEvent, AuditKind
from ..errors import NotFound, StaleTicket, TicketChange, TransientConflict
from ..mail import THREAD_KEY, MailTemplate, OutgoingMail
from ..ports import UnitOfWork
from ..tickets import Ticket, TicketStatus
from ..values import lookup_text
from ..webhooks import WebhookEvent
from .context import Ports, Viewer
from .sla_tracking import event_detail, follow_clocks
from .webhook_events import record_event


def visible_ticket(uow: UnitOfWork, viewer: Viewer, number: str) -> Ticket:
    """The ticket of that number if the viewer may see it; ``NotFound`` either way else."""
    wanted = lookup_text(number, 32)
    ticket = uow.tickets.get_by_number(wanted) if wanted else None
    if ticket is None or not viewer.scope.allows_ticket(ticket.company_id, ticket.reporter_id):
        raise NotFound()
    return ticket


# how much of a ticket's history a stale form's message may tell
STALE_HISTORY_LIMIT = 500


def refuse_if_stale(uow: UnitOfWork, ticket: Ticket, expected_version: int | None) -> None:
    """Optimistic concurrency: a form rendered from ``expected_version`` of the ticket may
    change it only while that is still its version; else ``StaleTicket`` naming what
    changed since (from the history events that carry the version they made). None: the
    form carried no version (nothing to compare), the change goes on as before."""
    if expected_version is None or ticket.version == expected_version:
        return
    raise StaleTicket(changes_since(uow, ticket, expected_version))


def _change(uow: UnitOfWork, event: AuditEvent, names: dict[str, str]) -> TicketChange | None:
    def name(account_id: str | None) -> str:
        if not account_id:
            return ""
        if account_id not in names:
            account = uow.accounts.get(account_id)
            names[account_id] = account.full_name if account else ""
        return names[account_id]

    before, _, after = event.detail.partition(" -> ")
    actor = name(event.account_id)
    if event.kind is AuditKind.TICKET_STATUS_CHANGED:
        return TicketChange("status", before, after, actor, event.at)
    if event.kind is AuditKind.TICKET_PRIORITY_CHANGED:
        return TicketChange("priority", before, after, actor, event.at)
    if event.kind is AuditKind.TICKET_ASSIGNED:
        return TicketChange("assignee", "", name(event.detail or None), actor, event.at)
    if event.kind is AuditKind.ARTICLE_POSTED and event.detail.startswith("public_reply"):
        return TicketChange("reply", "", "", actor, event.at)
    return None


def changes_since(uow: UnitOfWork, ticket: Ticket, version: int) -> tuple[TicketChange, ...]:
    """What the ticket's history says happened after ``version``, oldest first."""
    names: dict[str, str] = {}
    found = (_change(uow, e, names) for e in uow.audit.for_ticket(ticket.id, STALE_HISTORY_LIMIT)
             if e.ticket_version is not None and e.ticket_version > version)
    return tuple(c for c in found if c is not None)


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
            ticket_id=ticket.id, ticket_version=ticket.version))

    def status_changed(self, ticket: Ticket, before: TicketStatus) -> None:
        if ticket.status is not before:
            self.record(AuditKind.TICKET_STATUS_CHANGED, ticket,
                        f"{before.value} -> {ticket.status.value}")
            record_event(self.uow, self.ports.secrets, WebhookEvent.STATUS_CHANGED, ticket,
                         self.now, change={"from": before.value, "to": ticket.status.value})

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

    def mail_customers(self, template: MailTemplate, ticket: Ticket, **extra: str) -> None:
        """To the reporter and the colleagues watching the company's tickets (one read),
        each once; not to the actor, nor to a disabled reporter."""
        self.mail_reporter(template, ticket, **extra)
        skip = {ticket.reporter_id, self.actor.id if self.actor else ""}
        for colleague in self.uow.accounts.company_watchers(ticket.company_id,
                                                             self.ports.today()):
            if colleague.id in skip:
                continue
            skip.add(colleague.id)
            self.uow.outbox.add(OutgoingMail(
                template, colleague.email, colleague.language,
                self._context(ticket, colleague.full_name, about="company", **extra)),
                self.now)

    def mail_staff(self, template: MailTemplate, ticket: Ticket, **extra: str) -> None:
        """To the assigned engineer, else the support inbox (if one is configured)."""
        engineer = self.uow.accounts.get(ticket.assignee_id) if ticket.assignee_id else None
        if engineer is not None and engineer.is_staff \
                and engineer.state is not AccountState.DISABLED:
            self.uow.outbox.add(OutgoingMail(template, engineer.email, engineer.language,
                                             self._context(ticket, engineer.full_name,
                                                           about="staff", **extra)), self.now)
        elif self.ports.support_inbox:
            self.uow.outbox.add(OutgoingMail(template, self.ports.support_inbox,
                                             self.ports.language,
                                             self._context(ticket, "", about="staff",
                                                           **extra)), self.now)
