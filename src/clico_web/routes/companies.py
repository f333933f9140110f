"""``Firma`` for staff: the company search (``Szukaj firmy``) and one company whole.

Customers get a 404 (the use cases' ``require_staff``), as for another company's ticket."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..portal import portal_of
from ..rendering import render
from ..sessions import staff_only, viewer_of

MAX_QUERY_CHARS = 200
MAX_ID_CHARS = 64


@staff_only
async def company_search(request: Request) -> Response:
    text = request.query_params.get("q", "")[:MAX_QUERY_CHARS]
    portal = portal_of(request)
    found = await portal.call(portal.services.search_companies, viewer_of(request), text)
    return render(request, "staff/companies.html",
                  {"section": "companies", "companies": found, "query": text,
                   "searched": bool(text.strip())})


@staff_only
async def company_page(request: Request) -> Response:
    company_id = request.path_params["company_id"][:MAX_ID_CHARS]
    portal = portal_of(request)
    view = await portal.call(portal.services.company_view, viewer_of(request), company_id)
    return render(request, "staff/company.html", {"section": "companies", "view": view})


routes = [
    Route("/staff/companies", company_search, name="companies"),
    Route("/staff/companies/{company_id}", company_page, name="company"),
]
