"""``Szablony odpowiedzi`` (/staff/templates): staff list, create, edit and delete the
snippets the ticket page's ``Wstaw szablon`` inserts. Customers get a 404 (the core's
``require_staff``)."""

from __future__ import annotations

from typing import Any

import attrs
from attrs import frozen
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clico_core.errors import ClicoError, NotFound
from clico_core.reply_templates import MAX_TITLE
from clico_core.services import SaveReplyTemplate

from ..forms import read_form
from ..portal import portal_of
from ..rendering import failure, render, renderer_of
from ..sessions import staff_only, viewer_of
from .form_route import form_route
from .ticket_form import MAX_DESCRIPTION_CHARS, text_to_html
from .ticket_labels import field_errors

MAX_ID_CHARS = 64
DONE = {"saved": "The reply template was saved.", "deleted": "The reply template was deleted."}


@frozen
class TemplateForm:
    title: str = attrs.field(default="", metadata={"max_length": MAX_TITLE * 4})
    body: str = attrs.field(default="", metadata={"max_length": MAX_DESCRIPTION_CHARS})
    format: str = attrs.field(default="text", metadata={"max_length": 8})


@frozen
class DeleteForm:
    """The delete button posts nothing but its CSRF token."""


def _not_found(request: Request) -> Response:
    return render(request, "errors/error.html", {
        "status": 404, "message": renderer_of(request).gettext(request, "Page not found.")},
        status=404)


def _template_id(request: Request) -> str:
    return str(request.path_params.get("template_id", ""))[:MAX_ID_CHARS]


async def _page(request: Request, *, editing: str | None = None,
                values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                message: str = "", status: int = 200) -> Response:
    portal = portal_of(request)
    viewer = viewer_of(request)
    try:
        templates = await portal.call(portal.services.reply_templates, viewer)
        if editing is not None and values is None:
            found = await portal.call(portal.services.reply_template, viewer, editing)
            values = {"title": found.title, "body": found.body, "format": "html"}
    except NotFound:
        return _not_found(request)
    context: dict[str, Any] = {
        "section": "templates", "templates": templates, "editing": editing,
        "values": values or {"format": "text"}, "errors": errors or {}, "message": message,
        "notice": renderer_of(request).gettext(request, DONE[request.query_params["done"]])
        if request.query_params.get("done") in DONE else "",
    }
    return render(request, "staff/templates.html", context, status=status)


@staff_only
async def show_list(request: Request) -> Response:
    return await _page(request)


@staff_only
async def show_one(request: Request) -> Response:
    return await _page(request, editing=_template_id(request))


async def _save(request: Request, template_id: str | None) -> Response:
    form = await read_form(request, TemplateForm)
    body = form.body if form.format == "html" else text_to_html(form.body)
    portal = portal_of(request)
    viewer = viewer_of(request)
    try:
        await portal.call(portal.services.save_reply_template, viewer,
                          SaveReplyTemplate(form.title, body, template_id))
    except NotFound:
        return _not_found(request)
    except ClicoError as error:
        shown = failure(request, error)
        kept = portal.services.safe_description(form.body) if form.format == "html" \
            else form.body
        values = {"title": form.title, "body": kept, "format": form.format}
        return await _page(request, editing=template_id, values=values,
                           errors=field_errors(request, getattr(error, "fields", {}) or {}),
                           message=shown.message, status=shown.status)
    return RedirectResponse("/staff/templates?done=saved", status_code=303)


@staff_only
async def create(request: Request) -> Response:
    return await _save(request, None)


@staff_only
async def update(request: Request) -> Response:
    return await _save(request, _template_id(request))


@staff_only
async def delete(request: Request) -> Response:
    await read_form(request, DeleteForm)
    portal = portal_of(request)
    try:
        await portal.call(portal.services.delete_reply_template, viewer_of(request),
                          _template_id(request))
    except NotFound:
        return _not_found(request)
    return RedirectResponse("/staff/templates?done=deleted", status_code=303)


routes = [
    form_route("/staff/templates", show=show_list, submit=create, name="reply_templates"),
    form_route("/staff/templates/{template_id}", show=show_one, submit=update,
               name="reply_template"),
    Route("/staff/templates/{template_id}/delete", delete, methods=["POST"],
          name="reply_template_delete"),
]
