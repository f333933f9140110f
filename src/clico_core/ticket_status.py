"""The status machine of a ticket: who may move it where, and what a reply or quiet time does.

``Nowe`` (new) → ``W realizacji`` (in progress, ``OPEN``) → ``Oczekuje na klienta`` (waiting
for customer) / ``Rozwiązane`` (resolved) → ``Zamknięte`` (closed):

- staff's first public reply moves a new ticket to in progress;
- staff may set in progress, waiting, resolved or closed on a ticket that is not closed;
- a customer's public reply on waiting or resolved moves it back to in progress;
- a customer may close the ticket (``Zamknij zgłoszenie``), and set nothing else;
- a resolved ticket closes by itself after ``StatusRules.auto_close_after`` without public
  activity, with a reminder ``remind_before`` that;
- a public reply to a closed ticket reopens it (in progress) within ``reopen_within`` of its
  closing, once the author confirms; after that a new ticket linking it is the way on.
  Staff's internal notes may be added to a closed ticket and leave it closed.

Everything here is pure: the services call it inside the write that stores the outcome.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import frozen

from .articles import AuthorRole
from .errors import ClicoError, TicketClosed, TransitionNotAllowed, ValidationFailed
from .tickets import Ticket, TicketStatus

S = TicketStatus
STAFF_TARGETS = frozenset({S.OPEN, S.WAITING_FOR_CUSTOMER, S.RESOLVED, S.CLOSED})
CUSTOMER_TARGETS = frozenset({S.CLOSED})


@frozen
class StatusRules:
    """The periods of the machine (the quiet period comes from ``CLICO_AUTO_CLOSE_DAYS``)."""

    auto_close_after: timedelta = timedelta(days=7)
    remind_before: timedelta = timedelta(days=2)
    reopen_within: timedelta = timedelta(days=14)

    def __attrs_post_init__(self) -> None:
        if not timedelta(0) < self.remind_before < self.auto_close_after:
            raise ValueError("the reminder must come after resolving and before closing")
        if self.reopen_within <= timedelta(0):
            raise ValueError("reopen_within must be positive")

    def remind_after(self) -> timedelta:
        """Quiet time after which a resolved ticket's reporter is told it will close."""
        return self.auto_close_after - self.remind_before


def role_of(is_staff: bool) -> AuthorRole:
    return AuthorRole.STAFF if is_staff else AuthorRole.CUSTOMER


def targets_for(status: TicketStatus, role: AuthorRole) -> frozenset[TicketStatus]:
    """The statuses this role may set by hand on a ticket in ``status`` (never its own)."""
    if status is S.CLOSED:
        return frozenset()
    allowed = STAFF_TARGETS if role is AuthorRole.STAFF else CUSTOMER_TARGETS
    return allowed - {status}


def closed_since(ticket: Ticket) -> datetime:
    """When the ticket closed (older rows without the moment: their last change)."""
    return ticket.closed_at or ticket.modified_at


def reopen_until(ticket: Ticket, rules: StatusRules) -> datetime:
    return closed_since(ticket) + rules.reopen_within


def closed_error(ticket: Ticket, now: datetime, rules: StatusRules) -> TicketClosed:
    """What refusing a change to a closed ticket says: when it closed, and until when a
    confirmed reply may still reopen it (None: past that, a follow-up ticket)."""
    until = reopen_until(ticket, rules)
    return TicketClosed(closed_since(ticket), until if now <= until else None)


def follow_up_due(ticket: Ticket, now: datetime, rules: StatusRules) -> bool:
    """Closed longer than ``reopen_within``: a reply no longer reopens it, a new ticket
    that links it (a follow-up) is the way on."""
    return ticket.status is S.CLOSED and now > reopen_until(ticket, rules)


@frozen
class FollowUpAllowed:
    """A ticket may be followed up by a new one only once a reply can no longer reopen it:
    closed, and closed more than ``reopen_within`` ago."""

    ticket: Ticket
    now: datetime
    rules: StatusRules

    def is_broken(self) -> bool:
        return not follow_up_due(self.ticket, self.now, self.rules)

    def error(self) -> ClicoError:
        if self.ticket.status is S.CLOSED:  # still reopenable: a reply on its page instead
            return ValidationFailed({"follows": "reopen_instead"})
        return ValidationFailed({"follows": "not_closed"})


def after_public_reply(status: TicketStatus, role: AuthorRole) -> TicketStatus:
    """Where a public reply takes a ticket that is not closed."""
    if role is AuthorRole.STAFF and status is S.NEW:
        return S.OPEN
    if role is AuthorRole.CUSTOMER and status in (S.WAITING_FOR_CUSTOMER, S.RESOLVED):
        return S.OPEN
    return status


@frozen
class ReplyAllowed:
    """A reply to a closed ticket must be a staff note, or a public reply that reopens it
    (confirmed by ``reopen``) within the reopening period."""

    ticket: Ticket
    public: bool
    reopen: bool
    now: datetime
    rules: StatusRules

    def reopens(self) -> bool:
        return self.ticket.status is S.CLOSED and self.public

    def is_broken(self) -> bool:
        if not self.reopens():
            return False
        return not (self.reopen and self.now <= reopen_until(self.ticket, self.rules))

    def error(self) -> ClicoError:
        return closed_error(self.ticket, self.now, self.rules)


@frozen
class StatusChangeAllowed:
    """A status set by hand must be one the role may set from the current status; a closed
    ticket is reopened by a reply, never by hand."""

    ticket: Ticket
    role: AuthorRole
    target: TicketStatus
    now: datetime
    rules: StatusRules

    def is_broken(self) -> bool:
        return self.target not in targets_for(self.ticket.status, self.role)

    def error(self) -> ClicoError:
        if self.ticket.status is S.CLOSED:
            return closed_error(self.ticket, self.now, self.rules)
        return TransitionNotAllowed(self.ticket.status.value, self.target.value)


def move(ticket: Ticket, target: TicketStatus, at: datetime) -> TicketStatus:
    """Put the ticket in ``target`` (public activity: ``modified_at`` moves, even when the
    status stays); the old status. ``resolved_at`` / ``closed_at`` mark real changes only."""
    before = ticket.status
    ticket.status = target
    ticket.modified_at = at
    if target is before:
        return before
    if target is S.RESOLVED:
        ticket.resolved_at = at
    if target is S.CLOSED:
        ticket.closed_at = at
    elif before is S.CLOSED:
        ticket.closed_at = None
    return before


def is_quiet(ticket: Ticket, now: datetime, quiet: timedelta) -> bool:
    """Resolved with no public activity for ``quiet`` (the auto-close clock)."""
    return ticket.status is S.RESOLVED and ticket.modified_at <= now - quiet


def closes_by_itself(ticket: Ticket, now: datetime, rules: StatusRules) -> bool:
    return is_quiet(ticket, now, rules.auto_close_after)


def needs_close_reminder(ticket: Ticket, now: datetime, rules: StatusRules) -> bool:
    """Quiet long enough for the reminder, and not reminded since the last public activity."""
    reminded = ticket.close_reminded_at
    return (is_quiet(ticket, now, rules.remind_after())
            and not closes_by_itself(ticket, now, rules)
            and (reminded is None or reminded < ticket.modified_at))
