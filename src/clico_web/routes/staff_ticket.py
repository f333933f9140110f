"""What staff get on a ticket's page besides the conversation: who else has it open
(``Teraz przegląda``, refreshed by /staff/tickets/{number}/presence) and ``Wstaw szablon``
(a reply template filled in for the ticket, by a GET parameter or, with JavaScript, from
/staff/templates/{id}/filled). Customers reach none of it (``NotFound``, a 404)."""

from __future__ import annotations

from attrs import frozen
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from clico_core.errors import NotFound
from clico_core.reply_templates import ReplyTemplate

from ..forms import read_form
from ..portal import portal_of
from ..rendering import renderer_of
from ..sessions import staff_only, viewer_of

MAX_ID_CHARS = 64
TEMPLATE_GONE = "This reply template no longer exists."


@frozen
class StaffTools:
    viewing: tuple[str, ...]  # names of the other staff with the page open
    templates: list[ReplyTemplate]
    template_id: str  # the template just inserted through the GET parameter
    notice: str


async def staff_tools(request: Request, number: str, values: dict[str, str]) -> StaffTools:
    """Record the viewer's presence (a page load counts, with or without JavaScript), list
    the templates, and fill ``?template=`` into the reply box when nothing was typed."""
    portal = portal_of(request)
    viewer = viewer_of(request)
    viewing = await portal.call(portal.services.record_presence, viewer, number)
    templates = await portal.call(portal.services.reply_templates, viewer)
    wanted = request.query_params.get("template", "")[:MAX_ID_CHARS]
    notice = ""
    if wanted and "body" not in values:
        try:
            values["body"] = await portal.call(portal.services.filled_reply_template,
                                               viewer, wanted, number)
            values["format"] = "html"
        except NotFound:
            notice = renderer_of(request).gettext(request, TEMPLATE_GONE)
    return StaffTools(viewing, templates, wanted, notice)


@frozen
class PresenceForm:
    """The presence beat posts nothing but its CSRF token."""


def _number(request: Request) -> str:
    number: str = request.path_params["number"][:32]
    if not number.isprintable():
        raise NotFound()
    return number


@staff_only
async def presence(request: Request) -> Response:
    """POST: the viewer has the ticket open now; answers who else has."""
    await read_form(request, PresenceForm)
    portal = portal_of(request)
    try:
        viewing = await portal.call(portal.services.record_presence, viewer_of(request),
                                    _number(request))
    except NotFound:
        return JSONResponse({"error": "not_found"}, status_code=404)
    return JSONResponse({"viewing": list(viewing)},
                        headers={"Cache-Control": "no-store"})


@staff_only
async def filled_template(request: Request) -> Response:
    """GET: a template's body filled in for ``?ticket=``, as HTML for the reply editor."""
    portal = portal_of(request)
    template_id = request.path_params["template_id"][:MAX_ID_CHARS]
    number = request.query_params.get("ticket", "")[:32]
    try:
        html = await portal.call(portal.services.filled_reply_template, viewer_of(request),
                                 template_id, number)
    except NotFound:
        return JSONResponse({"error": "not_found"}, status_code=404)
    return JSONResponse({"html": html}, headers={"Cache-Control": "no-store"})


routes = [
    Route("/staff/tickets/{number}/presence", presence, methods=["POST"],
          name="ticket_presence"),
    Route("/staff/templates/{template_id}/filled", filled_template, name="template_filled"),
]
