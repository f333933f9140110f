"""The portal's simple pages: home, customer (the tickets are in ``tickets.py``, ``Baza
Wiedzy`` in ``kb.py``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..portal import portal_of
from ..rendering import render
from ..sessions import current_viewer, signed_in, viewer_of


async def home(request: Request) -> Response:
    viewer = await current_viewer(request)
    # the staff's home is the queue (``Kolejka``), the customers' their ticket list
    target = "/signin" if viewer is None else (
        "/staff/queue" if viewer.account.is_staff else "/tickets")
    return RedirectResponse(target, status_code=303)


@signed_in
async def customer(request: Request) -> Response:
    portal = portal_of(request)
    overview = await portal.call(portal.services.customer_overview, viewer_of(request))
    return render(request, "portal/customer.html", {"overview": overview, "section": "customer"})


routes = [
    Route("/", home, name="home"),
    Route("/customer", customer, name="customer"),
]
