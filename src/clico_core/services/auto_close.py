"""The worker job that closes quiet resolved tickets, and reminds their reporters first.

A resolved ticket with no public activity for ``StatusRules.auto_close_after`` closes by
itself; ``remind_before`` that, its reporter gets one ``ticket-closing-soon`` mail. Each
reminder is marked on the ticket (``close_reminded_at``) in the same transaction that queues
the mail, so however often the job runs, restarts or runs twice at once, a ticket is
reminded at most once per quiet period and closed once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from attrs import frozen

from ..audit import AuditKind
from ..mail import MailTemplate
from ..ports import QuietTicket
from ..ticket_status import closes_by_itself, move, needs_close_reminder
from ..tickets import Ticket, TicketStatus
from .context import Ports, _zone
from .ticket_changes import TicketChanges

BATCH = 100


@frozen
class AutoCloseReport:
    closed: int
    reminded: int


def auto_close_resolved(ports: Ports) -> AutoCloseReport:
    """Close the resolved tickets quiet for long enough, then queue the due reminders."""
    now = ports.clock.now()
    rules = ports.status_rules
    closed = _walk(ports, now, now - rules.auto_close_after, unreminded=False,
                   act=_close_if_quiet)
    reminded = _walk(ports, now, now - rules.remind_after(), unreminded=True,
                     act=_remind_if_due)
    return AutoCloseReport(closed=closed, reminded=reminded)


Act = Callable[[TicketChanges, Ticket], bool]


def _walk(ports: Ports, now: datetime, since: datetime, *, unreminded: bool, act: Act) -> int:
    """Batches of candidates, each in its own transaction; every ticket is read again
    (locked) and checked by the machine before anything is done to it."""
    done = 0
    after: QuietTicket | None = None
    while True:
        with ports.uow() as uow:
            batch = uow.tickets.resolved_quiet(since, unreminded=unreminded, after=after,
                                               limit=BATCH)
            changes = TicketChanges(uow, ports, None, now)
            for candidate in batch:
                ticket = uow.tickets.get(candidate.id)
                if ticket is not None and act(changes, ticket):
                    done += 1
            uow.commit()
        if len(batch) < BATCH:
            return done
        after = batch[-1]


def _close_if_quiet(changes: TicketChanges, ticket: Ticket) -> bool:
    if not closes_by_itself(ticket, changes.now, changes.ports.status_rules):
        return False
    before = move(ticket, TicketStatus.CLOSED, changes.now)
    changes.save(ticket)
    changes.status_changed(ticket, before)
    changes.mail_customers(MailTemplate.TICKET_CHANGED, ticket)
    return True


def _remind_if_due(changes: TicketChanges, ticket: Ticket) -> bool:
    rules = changes.ports.status_rules
    if not needs_close_reminder(ticket, changes.now, rules):
        return False
    ticket.close_reminded_at = changes.now
    changes.save(ticket)
    changes.record(AuditKind.TICKET_CLOSE_REMINDED, ticket)
    closes = (ticket.modified_at + rules.auto_close_after).astimezone(
        _zone(changes.ports.timezone))
    changes.mail_reporter(MailTemplate.TICKET_CLOSING_SOON, ticket,
                          closes_on=closes.date().isoformat())
    return True
