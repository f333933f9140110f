"""The ticket list (``Aktywności``): a page of the tickets a viewer may see, and the
choices of its filters."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from ..assets import Asset
from ..companies import Company
from ..ports import UnitOfWork
from ..ticket_query import check_query
from ..tickets import COUNT_CAP, TicketPage, TicketQuery
from .api_tokens import token_viewer_in, touch_token_if_due
from .context import Ports, Viewer
from .signin import touch_if_due, viewer_in

EMPTY_PAGE = TicketPage((), 0, False, None, None)


def _page(uow: UnitOfWork, viewer: Viewer, query: TicketQuery) -> TicketPage:
    # a company the viewer may not see is an empty list, not an error (nor a query)
    if query.company_id is not None and not viewer.scope.allows(query.company_id):
        return EMPTY_PAGE
    page = uow.tickets.page_for(viewer.scope, query)
    assert page.total <= COUNT_CAP or page.total_capped
    return page


def list_tickets(viewer: Viewer, query: TicketQuery, ports: Ports) -> TicketPage:
    """One page of the tickets the viewer may see; filters and sort applied before paging."""
    check_query(query)
    with ports.uow(readonly=True) as uow:
        return _page(uow, viewer, query)


@frozen
class SignedInPage:
    """The list page of a signed-in viewer, and the moment it was made (ages count from it)."""

    viewer: Viewer
    page: TicketPage
    now: datetime


def list_tickets_for_session(session_token: str, query: TicketQuery, ports: Ports
                             ) -> SignedInPage | None:
    """``authenticate`` and ``list_tickets`` in one read-only unit of work.

    The list is the portal's busiest page: this way a request for it is one transaction of
    two queries (the session with its account and contracts, then the page with its count)
    instead of two transactions of six. None, as from ``authenticate``, when the session is
    unknown, ended or timed out; a bad query raises ``ValidationFailed`` before anything is
    read (the caller then authenticates on its own to show the message).
    """
    check_query(query)
    with ports.uow(readonly=True) as uow:
        signed_in = viewer_in(uow, session_token, ports)
        if signed_in is None:
            return None
        viewer, last_seen_at = signed_in
        page = _page(uow, viewer, query)
    touch_if_due(viewer, last_seen_at, ports)
    return SignedInPage(viewer, page, ports.clock.now())


def list_tickets_for_token(secret: str, query: TicketQuery, ports: Ports, client: str = ""
                           ) -> TicketPage | None:
    """The API's list: ``authenticate_api_token`` and ``list_tickets`` in one read-only unit
    of work, like ``list_tickets_for_session`` for the page. None for a token that opens
    nothing (every scope may read)."""
    check_query(query)
    with ports.uow(readonly=True) as uow:
        found = token_viewer_in(uow, secret, ports)
        if found is None:
            return None
        viewer, token = found
        page = _page(uow, viewer, query)
    touch_token_if_due(token, client, ports)
    return page


@frozen
class FilterChoices:
    """What the ticket list's filters offer: the viewer's companies and covered assets."""

    companies: tuple[Company, ...]
    assets: tuple[Asset, ...]


MAX_ASSET_CHOICES = 100


def filter_choices(viewer: Viewer, ports: Ports) -> FilterChoices:
    """The choices of the list's company and asset filters, in one unit of work."""
    contract_ids = [c.id for c in viewer.active_contracts]
    with ports.uow(readonly=True) as uow:
        companies = uow.companies.list_by_ids(sorted(viewer.scope.company_ids))
        assets = (uow.assets.page_covered(contract_ids, None, 1, MAX_ASSET_CHOICES).rows
                  if contract_ids else ())
    return FilterChoices(tuple(companies), tuple(assets))
