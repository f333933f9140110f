"""The staff queue (``Kolejka``): every company's tickets by saved view and filter, the
choices of its filters, and the engineers a ticket may be handed to. Staff only: a customer
gets ``NotFound`` (``roles.require_staff``), as for any staff screen."""

from __future__ import annotations

from attrs import frozen

from ..accounts import Account
from ..companies import Company
from ..queue import QueueQuery
from ..roles import require_staff
from ..ticket_query import check_query
from ..tickets import COUNT_CAP
from .context import Ports, Viewer
from .signin import touch_if_due, viewer_in
from .ticket_list import SignedInPage


def queue_for_session(session_token: str, queue_query: QueueQuery, ports: Ports
                      ) -> SignedInPage | None:
    """``authenticate`` and one page of the queue in one read-only unit of work, like
    ``list_tickets_for_session``: a request is the session lookup and the page. None when
    the session is unknown or ended; a bad query is ``ValidationFailed`` before anything
    is read; a customer's session is ``NotFound``."""
    check_query(queue_query.query)
    with ports.uow(readonly=True) as uow:
        signed_in = viewer_in(uow, session_token, ports)
        if signed_in is None:
            return None
        viewer, last_seen_at = signed_in
        require_staff(viewer.account)
        now = ports.clock.now()
        page = uow.tickets.page_for(viewer.scope, queue_query.for_viewer(viewer.account.id, now))
        assert page.total <= COUNT_CAP or page.total_capped
    touch_if_due(viewer, last_seen_at, ports)
    return SignedInPage(viewer, page, now)


@frozen
class QueueChoices:
    """What the queue's filters and the assignment select offer."""

    companies: tuple[Company, ...]
    engineers: tuple[Account, ...]


def queue_choices(viewer: Viewer, ports: Ports) -> QueueChoices:
    """Every company and every engineer (staff account), in one unit of work."""
    require_staff(viewer.account)
    with ports.uow(readonly=True) as uow:
        companies = uow.companies.list_by_ids()
        engineers = uow.accounts.list_staff()
    return QueueChoices(tuple(companies), tuple(engineers))


def engineers(viewer: Viewer, ports: Ports) -> list[Account]:
    """The engineers a ticket may be assigned to (the ticket page's select)."""
    require_staff(viewer.account)
    with ports.uow(readonly=True) as uow:
        return uow.accounts.list_staff()
