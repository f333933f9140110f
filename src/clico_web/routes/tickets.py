"""``Aktywności``: the ticket list (filters, sort, page size, keyset pager); a ticket's page is
``ticket_thread``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clico_core.errors import ClicoError
from clico_core.tickets import (
    PAGE_SIZES,
    Priority,
    SortColumn,
    TicketPage,
    TicketStatus,
)

from ..choices import choices_key
from ..portal import portal_of
from ..rendering import failure, render, renderer_of
from ..sessions import current_viewer, session_token, to_sign_in, viewer_of
from . import ticket_history_page, ticket_new, ticket_thread
from .ticket_labels import PRIORITY_LABELS, field_errors
from .ticket_query import ListView, list_view_of

MAX_NUMBER_CHARS = 32
LIST_COLUMNS = (
    (SortColumn.NUMBER, "Ticket number"), (SortColumn.SUBJECT, "Subject"),
    (SortColumn.MODIFIED, "Modified"), (SortColumn.COMPANY, "Company"),
    (SortColumn.CREATED, "Age"), (SortColumn.STATUS, "Status"),
)
EMPTY_PAGE = TicketPage((), 0, False, None, None)
# the filter form's fixed choices, as values its remembered fragment can be keyed by
STATUS_CHOICES = tuple(TicketStatus)
PRIORITY_CHOICES = tuple((priority, PRIORITY_LABELS[priority.value]) for priority in Priority)


async def ticket_list(request: Request) -> Response:
    """Signed in only, like every ``@signed_in`` page, but the session lookup and the page
    are one service call (one read transaction): the busiest page does the least work."""
    portal = portal_of(request)
    token = session_token(request)
    status, message, errors, page, now = 200, "", {}, EMPTY_PAGE, None
    view: ListView | None = None
    try:
        view = list_view_of(request.scope["query_string"])
        found = (await portal.call(portal.services.list_tickets_for_session, token, view.query)
                 if token else None)
        if found is None:
            return to_sign_in()
        request.state.viewer, page, now = found.viewer, found.page, found.now
    except ClicoError as error:  # a bad query: nothing was read, the viewer is still needed
        if await current_viewer(request) is None:
            return to_sign_in()
        fields = getattr(error, "fields", None) or {}
        if view is None or "cursor" in fields:  # the link's position is not one of ours
            message = renderer_of(request).gettext(
                request, "This page link is invalid or outdated. Open the list again.")
            return render(request, "errors/error.html", {"status": 400, "message": message},
                          status=400)
        shown = failure(request, error)
        status, message, errors = shown.status, shown.message, field_errors(request, fields)
    viewer = viewer_of(request)
    key = choices_key(viewer)
    choices = portal.choices.get(key)
    if choices is None:
        choices = await portal.call(portal.services.filter_choices, viewer)
        portal.choices.put(key, choices)
    return render(request, "portal/tickets.html", {
        "section": "tickets", "view": view, "page": page, "columns": LIST_COLUMNS,
        "now": now, "sizes": PAGE_SIZES, "statuses": STATUS_CHOICES,
        "priorities": PRIORITY_CHOICES,
        "companies": tuple((c.id, c.name) for c in choices.companies),
        "assets": tuple((a.id, a.name, a.serial) for a in choices.assets),
        "message": message, "errors": errors,
    }, status=status)


routes = [
    Route("/tickets", ticket_list, name="tickets"),
    *ticket_new.routes,
    *ticket_thread.routes,
    *ticket_history_page.routes,
]
