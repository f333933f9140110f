"""The account's notification setting: ``Powiadamiaj mnie o zgłoszeniach mojej firmy``."""

from __future__ import annotations

from ..errors import NotFound
from .context import Ports, Viewer


def set_company_notifications(viewer: Viewer, enabled: bool, ports: Ports) -> bool:
    """Ask (or stop asking) to be mailed about every ticket of one's company that one may
    see, not only one's own; the setting after. Staff see every ticket and are mailed by
    assignment, so the setting is a customer's (``NotFound`` for staff, as the page has no
    such form for them)."""
    if viewer.account.is_staff:
        raise NotFound()
    with ports.uow() as uow:
        account = uow.accounts.get(viewer.account.id)
        if account is None:
            raise NotFound()
        if account.notify_company_tickets is not enabled:
            account.notify_company_tickets = enabled
            uow.accounts.update(account)
            uow.commit()
        return enabled
