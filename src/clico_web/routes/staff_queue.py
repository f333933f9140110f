"""``Kolejka``, the staff queue at ``/staff/queue`` (the staff home): every company's
tickets by saved view and filter, keyset-paged like the ticket list; assigning a ticket
(``Przypisz do mnie``, another engineer), its priority, and the bulk actions on selected
rows. Customers get the 404 of any staff screen (the core's ``require_staff``)."""

from __future__ import annotations

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clico_core.errors import ClicoError, NotFound
from clico_core.queue import AGE_CHOICES, DueMark, QueueView, due_mark
from clico_core.services import Viewer
from clico_core.services.ticket_bulk import MAX_BULK
from clico_core.tickets import PAGE_SIZES, Priority, SortColumn, TicketPage, TicketStatus

from ..forms import BadForm
from ..portal import portal_of
from ..rendering import failure, render, renderer_of
from ..security.csrf import CSRF_FIELD
from ..sessions import current_viewer, session_token, staff_only, to_sign_in, viewer_of
from .queue_query import PATH, VIEW_LABELS, QueueLinks, parse_queue_view
from .ticket_labels import PRIORITY_LABELS, field_errors
from .ticket_thread import _page as ticket_page  # the ticket page, showing a refusal
from .tickets import LIST_COLUMNS

QUEUE_CHOICES_KEY = "queue"
EMPTY_PAGE = TicketPage((), 0, False, None, None)
MAX_BACK = 4000  # a queue link to come back to after an action
# the SLA marks of the ``Termin`` column (msgids): words, not a colour alone
MARK_LABELS = {DueMark.WARNING: "Due soon", DueMark.BREACH: "Breached"}


def _not_found(request: Request) -> Response:
    return render(request, "errors/error.html", {
        "status": 404, "message": renderer_of(request).gettext(request, "Page not found.")},
        status=404)


async def queue(request: Request) -> Response:
    return await _queue_page(request, request.query_params)


async def _queue_page(request: Request, params: QueryParams, message: str = "",
                      status: int = 200) -> Response:
    """Like the ticket list: the session lookup and the page are one service call."""
    portal = portal_of(request)
    token = session_token(request)
    errors: dict[str, str] = {}
    page, now = EMPTY_PAGE, None
    links: QueueLinks | None = None
    try:
        links = parse_queue_view(params)
        found = (await portal.call(portal.services.queue_for_session, token, links.queue)
                 if token else None)
        if found is None:
            return to_sign_in()
        request.state.viewer, page, now = found.viewer, found.page, found.now
    except NotFound:
        return _not_found(request)
    except ClicoError as error:  # a bad query: nothing was read, the viewer is still needed
        viewer = await current_viewer(request)
        if viewer is None:
            return to_sign_in()
        if not viewer.account.is_staff:
            return _not_found(request)
        fields = getattr(error, "fields", None) or {}
        if links is None or "cursor" in fields:
            text = renderer_of(request).gettext(
                request, "This page link is invalid or outdated. Open the list again.")
            return render(request, "errors/error.html", {"status": 400, "message": text},
                          status=400)
        shown = failure(request, error)
        status, message, errors = shown.status, shown.message, field_errors(request, fields)
    viewer = viewer_of(request)
    choices = portal.queue_choices.get(QUEUE_CHOICES_KEY)
    if choices is None:
        choices = await portal.call(portal.services.queue_choices, viewer)
        portal.queue_choices.put(QUEUE_CHOICES_KEY, choices)
    return render(request, "staff/queue.html", {
        "section": "queue", "links": links, "view": links.list, "queue": links.queue,
        "page": page, "columns": LIST_COLUMNS, "now": now, "sizes": PAGE_SIZES,
        "views": VIEW_LABELS, "statuses": list(TicketStatus), "priorities": list(Priority),
        "priority_labels": PRIORITY_LABELS, "companies": choices.companies,
        "engineers": choices.engineers, "ages": AGE_CHOICES, "message": message,
        "errors": errors, "back": links.list.url(), "max_bulk": MAX_BULK,
        "QueueView": QueueView, "due_column": SortColumn.DUE, "due_mark": due_mark,
        "mark_labels": MARK_LABELS,
    }, status=status)


def _back(raw: str, number: str | None = None) -> str:
    """Where an action returns: a queue link, or the ticket's page."""
    if (raw.startswith(PATH) and len(raw) <= MAX_BACK and raw.isprintable()
            and (raw == PATH or raw[len(PATH)] == "?")):
        return raw
    return f"/tickets/{number}" if number else PATH


async def _fields(request: Request, max_fields: int) -> list[tuple[str, str]]:
    """The form's fields in order (repeated names kept), CSRF token left out."""
    try:
        form = await request.form(max_files=0, max_fields=max_fields)
    except Exception as error:  # multipart errors: too many fields, files, bad encoding
        raise BadForm() from error
    pairs = []
    for key, value in form.multi_items():
        if not isinstance(value, str) or len(value) > MAX_BACK or "\x00" in value:
            raise BadForm()
        if key != CSRF_FIELD:
            pairs.append((key, value))
    return pairs


def _one(pairs: list[tuple[str, str]], name: str, allowed: frozenset[str]) -> str:
    values = [v for k, v in pairs if k == name]
    if len(values) > 1 or any(k not in allowed for k, _ in pairs):
        raise BadForm()
    return values[0] if values else ""


@staff_only
async def bulk(request: Request) -> Response:
    """``Przypisz zaznaczone`` / ``Zamknij zaznaczone``: every selected row or none."""
    pairs = await _fields(request, MAX_BULK + 10)
    allowed = frozenset({"action", "assignee", "ticket", "back"})
    action, assignee = _one(pairs, "action", allowed), _one(pairs, "assignee", allowed)
    back = _back(_one(pairs, "back", allowed))
    numbers = [v[:32] for k, v in pairs if k == "ticket"]
    portal = portal_of(request)
    viewer = viewer_of(request)
    try:
        if action == "assign":
            await portal.call(portal.services.bulk_assign, viewer, numbers,
                              _assignee(viewer, assignee))
        elif action == "close":
            await portal.call(portal.services.bulk_close, viewer, numbers)
        else:
            raise BadForm()
    except NotFound:
        return _not_found(request)
    except ClicoError as error:
        return await _queue_page(request, QueryParams(back.partition("?")[2]),
                                 _bulk_message(request, error), 409)
    return RedirectResponse(back, status_code=303)


def _assignee(viewer: Viewer, raw: str) -> str:
    return viewer.account.id if raw == "me" else raw


def _bulk_message(request: Request, error: ClicoError) -> str:
    renderer = renderer_of(request)
    number, reason = getattr(error, "number", None), getattr(error, "reason", "")
    if number is None:
        fields = getattr(error, "fields", None) or {}
        if "tickets" in fields:
            return renderer.gettext(request, "Select at least one ticket (at most %(count)s).",
                                    count=MAX_BULK)
        return failure(request, error).message
    why = {"ticket_closed": "it is closed",
           "not_found": "it does not exist"}.get(reason, "its status does not allow it")
    return renderer.gettext(
        request, "Nothing was changed: ticket %(number)s cannot be changed (%(reason)s).",
        number=number, reason=renderer.gettext(request, why))


def _number(request: Request) -> str:
    number: str = request.path_params["number"][:32]
    if not number.isprintable():
        raise NotFound()
    return number


@staff_only
async def assign(request: Request) -> Response:
    """``Przypisz do mnie`` (assignee "me"), another engineer, or nobody ("")."""
    pairs = await _fields(request, 10)
    allowed = frozenset({"assignee", "back"})
    assignee, back = _one(pairs, "assignee", allowed), _one(pairs, "back", allowed)
    return await _act(request, "assign", assignee, back)


@staff_only
async def priority(request: Request) -> Response:
    pairs = await _fields(request, 10)
    allowed = frozenset({"priority", "back"})
    wanted, back = _one(pairs, "priority", allowed), _one(pairs, "back", allowed)
    return await _act(request, "priority", wanted, back)


async def _act(request: Request, what: str, value: str, back: str) -> Response:
    try:
        number = _number(request)
    except NotFound:
        return _not_found(request)
    portal = portal_of(request)
    viewer = viewer_of(request)
    try:
        if not viewer.account.is_staff:
            raise NotFound()
        if what == "assign":
            await portal.call(portal.services.assign_ticket, viewer, number,
                              _assignee(viewer, value) or None)
        else:
            await portal.call(portal.services.change_priority, viewer, number, value)
    except NotFound:
        return _not_found(request)
    except ClicoError as error:
        shown = failure(request, error)
        return await ticket_page(request, number, message=shown.message,
                                      status=shown.status)
    return RedirectResponse(_back(back, number), status_code=303)


routes = [
    Route(PATH, queue, name="staff_queue"),
    Route(f"{PATH}/bulk", bulk, methods=["POST"], name="staff_queue_bulk"),
    Route("/tickets/{number}/assign", assign, methods=["POST"], name="ticket_assign"),
    Route("/tickets/{number}/priority", priority, methods=["POST"], name="ticket_priority"),
]
