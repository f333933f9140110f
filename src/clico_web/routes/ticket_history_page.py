"""A ticket's full history, for staff only: every change, oldest first, in keyset pages
(``?after=`` a position in the log). The ticket page shows only the latest changes and
links here when there are earlier ones.

A customer gets the 404 of a page that does not exist (``staff_only``), as does a ticket
the viewer may not see.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clico_core.errors import NotFound, ValidationFailed

from ..portal import portal_of
from ..rendering import render
from ..sessions import staff_only, viewer_of
from .ticket_history import history_rows
from .ticket_thread import MAX_CURSOR_CHARS, _not_found, _number, bad_link


@staff_only
async def history_page(request: Request) -> Response:
    portal = portal_of(request)
    cursor = request.query_params.get("after", "")[:MAX_CURSOR_CHARS]
    try:
        number = _number(request)
        page = await portal.call(portal.services.history_page, viewer_of(request), number,
                                 cursor)
    except NotFound:
        return _not_found(request)
    except ValidationFailed:  # a cursor that is not one of ours
        return bad_link(request)
    return render(request, "tickets/history.html", {
        "section": "tickets", "number": number, "cursor": cursor, "page": page,
        "history": history_rows(request, list(page.entries)),
    })


routes = [
    Route("/tickets/{number}/history", history_page, name="ticket_history"),
]
