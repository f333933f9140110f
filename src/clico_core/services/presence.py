"""``Teraz przegląda``: which other staff have a ticket's page open right now.

The page records the viewer on every load and every ~20 s while it stays open; whoever was
seen within ``PRESENCE_WINDOW`` counts as viewing. Staff only: customers never record
presence nor learn who looks at their tickets (docs/security.md, "Presence").
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..ports import UnitOfWork
from ..roles import require_staff
from .context import Ports, Viewer, best_effort
from .ticket_changes import visible_ticket

PRESENCE_WINDOW = timedelta(seconds=60)  # older marks are never shown; ``prune`` drops them


def record_presence(viewer: Viewer, number: str, ports: Ports) -> tuple[str, ...]:
    """Mark the viewer as having the ticket open now; the names of the other staff seen on
    it within the window, by name. A customer gets ``NotFound``. While the store cannot
    take writes the mark is skipped and the names are still read."""
    require_staff(viewer.account)
    now = ports.clock.now()
    names: list[str] = []

    def mark() -> None:
        with ports.uow() as uow:
            ticket = visible_ticket(uow, viewer, number)
            uow.presence.touch(ticket.id, viewer.account.id, now)
            names[:] = _others_seen(uow, ticket.id, viewer, now)
            uow.commit()

    if not best_effort(ports, mark):
        with ports.uow(readonly=True) as uow:
            ticket = visible_ticket(uow, viewer, number)
            names[:] = _others_seen(uow, ticket.id, viewer, now)
    return tuple(sorted(names, key=str.casefold))


def _others_seen(uow: UnitOfWork, ticket_id: str, viewer: Viewer, now: datetime) -> list[str]:
    names = []
    for seen in uow.presence.seen_since(ticket_id, now - PRESENCE_WINDOW):
        if seen.account_id == viewer.account.id:
            continue
        account = uow.accounts.get(seen.account_id)
        if account is not None and account.is_staff:
            names.append(account.full_name)
    return names
