"""``Teraz przegląda``: which other staff have a ticket's page open right now.

The page records the viewer on every load and every ~20 s while it stays open; whoever was
seen within ``PRESENCE_WINDOW`` counts as viewing. Staff only: customers never record
presence nor learn who looks at their tickets (docs/security.md, "Presence").
"""

from __future__ import annotations

from datetime import timedelta

from ..roles import require_staff
from .context import Ports, Viewer
from .ticket_changes import visible_ticket

PRESENCE_WINDOW = timedelta(seconds=60)  # older marks are never shown; ``prune`` drops them


def record_presence(viewer: Viewer, number: str, ports: Ports) -> tuple[str, ...]:
    """Mark the viewer as having the ticket open now; the names of the other staff seen on
    it within the window, by name. A customer gets ``NotFound``."""
    require_staff(viewer.account)
    with ports.uow() as uow:
        ticket = visible_ticket(uow, viewer, number)
        now = ports.clock.now()
        uow.presence.touch(ticket.id, viewer.account.id, now)
        names = []
        for seen in uow.presence.seen_since(ticket.id, now - PRESENCE_WINDOW):
            if seen.account_id == viewer.account.id:
                continue
            account = uow.accounts.get(seen.account_id)
            if account is not None and account.is_staff:
                names.append(account.full_name)
        uow.commit()
    return tuple(sorted(names, key=str.casefold))
