"""A ticket's history for staff (``Historia`` on the ticket page): every recorded change,
oldest first, with who made it and, where there is one, the value before and after.

Customers never see it (``PermissionDenied``; the page leaves the section out). It is two
bounded reads whatever the length of the history: the ticket's events (at most
``HISTORY_LIMIT``) and the accounts they name, in one statement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from attrs import frozen

from ..audit import AuditEvent, AuditKind
from ..errors import PermissionDenied
from ..values import AccountId
from .context import Ports, Viewer
from .ticket_changes import visible_ticket

HISTORY_LIMIT = 500
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


def _named(events: Sequence[AuditEvent]) -> set[str]:
    ids = {e.account_id for e in events if e.account_id}
    return ids | {e.detail for e in events if e.kind is AuditKind.TICKET_ASSIGNED and e.detail}


def _entries(events: Sequence[AuditEvent], names: Mapping[str, str]) -> list[HistoryEntry]:
    entries = []
    assignee = ""  # tickets start unassigned
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
