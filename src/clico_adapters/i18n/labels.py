"""Labels of the core's ticket vocabulary as msgids, shared by the portal's pages and the mails.

Each is translated once, in the ``labels`` catalog (``locale/<language>/LC_MESSAGES``).
"""

from __future__ import annotations

from collections.abc import Mapping

from clico_core.tickets import TicketKind, TicketStatus


def N_(msgid: str) -> str:
    """Mark ``msgid`` for ``pybabel extract``; it is translated where it is shown."""
    return msgid


TICKET_KIND_LABELS: Mapping[str, str] = {
    TicketKind.ADMINISTRATIVE.value: N_("Administrative"),
    TicketKind.TECHNICAL.value: N_("Technical"),
}
TICKET_STATUS_LABELS: Mapping[str, str] = {
    TicketStatus.NEW.value: N_("New"),
    TicketStatus.OPEN.value: N_("Open"),
    TicketStatus.WAITING_FOR_CUSTOMER.value: N_("Waiting for customer"),
    TicketStatus.RESOLVED.value: N_("Resolved"),
    TicketStatus.CLOSED.value: N_("Closed"),
}
