"""A ticket's history for staff: every recorded change, oldest first, with who made it and,
where there is one, the value before and after.

The ticket page shows the latest ``RECENT_HISTORY`` changes (``recent_history``), the
history page all of them, ``HISTORY_PAGE_SIZE`` at a time (``history_page``, keyset pages
on the log's ``seq``); ``ticket_history`` is the whole of it in one list (at most
``HISTORY_LIMIT``). Customers never see it (``PermissionDenied``; the page leaves the
section out). Each is a bounded number of reads whatever the length of the history: one
range of the ticket's events, the assignment before it when the range has an assignment
(its "before"), and the accounts they name, in one statement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from attrs import frozen

from ..audit import AuditEvent, AuditKind, LoggedEvent
from ..errors import PermissionDenied, ValidationFailed
from ..ports import UnitOfWork
from ..values import AccountId, TicketId
from .context import Ports, Viewer
from .ticket_changes import visible_ticket

HISTORY_LIMIT = 500
RECENT_HISTORY = 10  # the changes the ticket page shows
HISTORY_PAGE_SIZE = 50
MAX_CURSOR_DIGITS = 18
ARROW = " -> "


@frozen
class HistoryEntry:
    """One change. ``before`` / ``after``: a status or priority value, an article's kind
    (after only), an assignee's name ("" for nobody); empty where the change has none."""

    at: datetime
    kind: AuditKind
    account_id: AccountId | None  # None: the portal itself (the auto-close job)
    actor_name: str
    detail: str
    before: str = ""
    after: str = ""


@frozen
class HistoryPage:
    """Some of a ticket's changes, oldest first. ``more``: the history goes on past them
    (earlier changes for ``recent_history``, later ones for ``history_page``);
    ``next_cursor``: the history page after this one, None when this one ends it."""

    entries: tuple[HistoryEntry, ...]
    more: bool
    next_cursor: str | None = None


def _named(events: Sequence[AuditEvent]) -> set[str]:
    ids = {e.account_id for e in events if e.account_id}
    return ids | {e.detail for e in events if e.kind is AuditKind.TICKET_ASSIGNED and e.detail}


def _entries(events: Sequence[AuditEvent], names: Mapping[str, str],
             assignee: str = "") -> list[HistoryEntry]:
    """``assignee``: the engineer's id before the first event (tickets start unassigned)."""
    entries = []
    assignee = names.get(assignee, assignee)
    for event in events:
        before = after = ""
        if event.kind in (AuditKind.TICKET_STATUS_CHANGED, AuditKind.TICKET_PRIORITY_CHANGED):
            before, _, after = event.detail.partition(ARROW)
        elif event.kind is AuditKind.ARTICLE_POSTED:
            after = event.detail.partition(" ")[0]
        elif event.kind is AuditKind.TICKET_ASSIGNED:
            before, assignee = assignee, names.get(event.detail, event.detail)
            after = assignee
        elif event.kind is AuditKind.TICKET_SLA:
            after = event.detail  # "<event> [<clock>]", e.g. "breach first_response"
        actor = names.get(event.account_id, "") if event.account_id else ""
        entries.append(HistoryEntry(event.at, event.kind, event.account_id, actor,
                                    event.detail, before, after))
    return entries


def _described(uow: UnitOfWork, ticket_id: TicketId, logged: Sequence[LoggedEvent]
               ) -> list[HistoryEntry]:
    """Entries for a range of the history that may start part-way through it."""
    events = [r.event for r in logged]
    assignee = ""
    if logged and any(e.kind is AuditKind.TICKET_ASSIGNED for e in events):
        earlier = uow.audit.last_before(ticket_id, AuditKind.TICKET_ASSIGNED, logged[0].seq)
        assignee = earlier.detail if earlier is not None else ""
    wanted = _named(events) | ({assignee} if assignee else set())
    accounts = uow.accounts.get_many(sorted(wanted)) if wanted else []
    return _entries(events, {a.id: a.full_name for a in accounts}, assignee)


def ticket_history(viewer: Viewer, number: str, ports: Ports) -> list[HistoryEntry]:
    """Every recorded change of the ticket, oldest first (at most ``HISTORY_LIMIT``): for
    staff only. Errors: ``PermissionDenied`` (a customer), ``NotFound``."""
    if not viewer.account.is_staff:
        raise PermissionDenied()
    with ports.uow(readonly=True) as uow:
        ticket = visible_ticket(uow, viewer, number)
        events = uow.audit.for_ticket(ticket.id, HISTORY_LIMIT)
        wanted = _named(events)
        accounts = uow.accounts.get_many(sorted(wanted)) if wanted else []
    return _entries(events, {a.id: a.full_name for a in accounts})


def recent_history(viewer: Viewer, number: str, ports: Ports,
                   limit: int = RECENT_HISTORY) -> HistoryPage:
    """The ticket's latest ``limit`` changes, oldest first; ``more`` when there are earlier
    ones. For staff only. Errors: ``PermissionDenied`` (a customer), ``NotFound``."""
    if not viewer.account.is_staff:
        raise PermissionDenied()
    size = max(limit, 1)
    with ports.uow(readonly=True) as uow:
        ticket = visible_ticket(uow, viewer, number)
        logged = uow.audit.ticket_events(ticket.id, size + 1, newest=True)
        shown = logged[-size:]
        entries = _described(uow, ticket.id, shown)
    return HistoryPage(tuple(entries), more=len(logged) > size)


def _position(cursor: str) -> int | None:
    if not cursor:
        return None
    if not (cursor.isascii() and cursor.isdigit() and len(cursor) <= MAX_CURSOR_DIGITS):
        raise ValidationFailed({"cursor": "invalid"})
    return int(cursor)


def history_page(viewer: Viewer, number: str, ports: Ports, cursor: str = "",
                 page_size: int = HISTORY_PAGE_SIZE) -> HistoryPage:
    """A page of the ticket's changes, oldest first, after ``cursor`` (a ``next_cursor``
    from before; "" for the first page). For staff only. Errors: ``PermissionDenied`` (a
    customer), ``NotFound``, ``ValidationFailed`` (a cursor that is not one)."""
    if not viewer.account.is_staff:
        raise PermissionDenied()
    after = _position(cursor)
    size = min(max(page_size, 1), HISTORY_LIMIT)
    with ports.uow(readonly=True) as uow:
        ticket = visible_ticket(uow, viewer, number)
        logged = uow.audit.ticket_events(ticket.id, size + 1, after)
        shown = logged[:size]
        entries = _described(uow, ticket.id, shown)
    more = len(logged) > size
    return HistoryPage(tuple(entries), more, str(shown[-1].seq) if more else None)
