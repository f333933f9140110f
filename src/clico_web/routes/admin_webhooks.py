"""``Webhooki`` for administrators: register an endpoint, its delivery log, resend one;
change its events, disable or enable it, delete it."""

from __future__ import annotations

import re
from typing import Any

import attrs
from attrs import asdict, frozen
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clico_core.errors import ClicoError
from clico_core.services import ChangeWebhook, RegisterWebhook
from clico_core.webhooks import WebhookEvent

from ..forms import limited, read_form
from ..portal import portal_of
from ..rendering import failure, render
from ..sessions import admin_only, viewer_of
from .form_route import form_route

# one checkbox per event (a form never repeats a field name)
EVENT_FIELDS = {
    "event_created": WebhookEvent.TICKET_CREATED,
    "event_reply": WebhookEvent.PUBLIC_REPLY,
    "event_status": WebhookEvent.STATUS_CHANGED,
    "event_sla_warning": WebhookEvent.SLA_WARNING,
    "event_sla_breach": WebhookEvent.SLA_BREACH,
}
ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what the portal's ids are made of


def _box() -> Any:
    # an unticked checkbox sends nothing: each may be left out
    return attrs.field(default="", metadata={"max_length": 8})


@frozen
class WebhookForm:
    url: str = limited(4000)  # longer than URL_MAX: the core says why
    company: str = limited(200)
    event_created: str = _box()
    event_reply: str = _box()
    event_status: str = _box()
    event_sla_warning: str = _box()
    event_sla_breach: str = _box()

    def command(self) -> RegisterWebhook:
        values = asdict(self)
        return RegisterWebhook(url=self.url, company=self.company, events=tuple(
            event.value for name, event in EVENT_FIELDS.items() if values[name]))


@frozen
class EventsForm:
    event_created: str = _box()
    event_reply: str = _box()
    event_status: str = _box()
    event_sla_warning: str = _box()
    event_sla_breach: str = _box()

    def command(self) -> ChangeWebhook:
        values = asdict(self)
        return ChangeWebhook(events=tuple(
            event.value for name, event in EVENT_FIELDS.items() if values[name]))


@frozen
class EmptyForm:
    """Only the CSRF token."""


def _refuse(request: Request, error: ClicoError) -> None:
    shown = failure(request, error)
    if shown.status in (403, 404):
        raise HTTPException(shown.status) from error


async def _page(request: Request, values: dict[str, str], status: int = 200,
                **extra: object) -> Response:
    portal = portal_of(request)
    try:
        rows = await portal.call(portal.services.list_webhooks, viewer_of(request))
    except ClicoError as error:
        _refuse(request, error)
        raise
    return render(request, "admin/webhooks.html", {
        "section": "webhooks", "rows": rows, "values": values,
        "event_fields": EVENT_FIELDS, "errors": {}, "created": None, "deleted": "", **extra},
        status=status)


@admin_only
async def webhooks_page(request: Request) -> Response:
    return await _page(request, {"url": "", "company": ""},
                       deleted=request.query_params.get("deleted", ""))


@admin_only
async def register(request: Request) -> Response:
    form = await read_form(request, WebhookForm)
    portal = portal_of(request)
    try:
        created = await portal.call(portal.services.register_webhook, viewer_of(request),
                                    form.command())
    except ClicoError as error:
        _refuse(request, error)
        shown = failure(request, error)
        return await _page(request, asdict(form), status=shown.status, message=shown.message,
                           errors=shown.fields)
    # the secret is shown on this answer only; it is never displayed again
    return await _page(request, {"url": "", "company": ""}, created=created)


def _id(request: Request, name: str) -> str:
    """An id from the path; anything that cannot be one (too long, a NUL, spaces) is a 404
    before the database sees it."""
    value = str(request.path_params[name])
    if not ID.fullmatch(value):
        raise HTTPException(404)
    return value


async def _log_page(request: Request, status: int = 200, **extra: object) -> Response:
    portal = portal_of(request)
    try:
        log = await portal.call(portal.services.webhook_log, viewer_of(request),
                                _id(request, "endpoint_id"))
    except ClicoError as error:
        _refuse(request, error)
        raise
    return render(request, "admin/webhook_log.html", {
        "section": "webhooks", "log": log, "event_fields": EVENT_FIELDS, "errors": {},
        "done": request.query_params.get("done", ""),
        "resent": request.query_params.get("resent", ""), **extra}, status=status)


@admin_only
async def delivery_log(request: Request) -> Response:
    return await _log_page(request)


async def _change(request: Request, cmd: ChangeWebhook, done: str) -> Response:
    portal = portal_of(request)
    endpoint_id = _id(request, "endpoint_id")
    try:
        await portal.call(portal.services.change_webhook, viewer_of(request), endpoint_id, cmd)
    except ClicoError as error:
        _refuse(request, error)
        shown = failure(request, error)
        return await _log_page(request, status=shown.status, message=shown.message,
                               errors=shown.fields)
    return RedirectResponse(f"/admin/webhooks/{endpoint_id}?done={done}", status_code=303)


@admin_only
async def change_events(request: Request) -> Response:
    form = await read_form(request, EventsForm)
    return await _change(request, form.command(), "events")


@admin_only
async def disable(request: Request) -> Response:
    await read_form(request, EmptyForm)
    return await _change(request, ChangeWebhook(enabled=False), "disabled")


@admin_only
async def enable(request: Request) -> Response:
    await read_form(request, EmptyForm)
    return await _change(request, ChangeWebhook(enabled=True), "enabled")


@admin_only
async def delete(request: Request) -> Response:
    await read_form(request, EmptyForm)
    portal = portal_of(request)
    try:
        await portal.call(portal.services.delete_webhook, viewer_of(request),
                          _id(request, "endpoint_id"))
    except ClicoError as error:
        _refuse(request, error)
        raise
    return RedirectResponse("/admin/webhooks?deleted=1", status_code=303)


@admin_only
async def redeliver(request: Request) -> Response:
    portal = portal_of(request)
    endpoint_id = _id(request, "endpoint_id")
    try:
        await portal.call(portal.services.redeliver_webhook, viewer_of(request), endpoint_id,
                          _id(request, "delivery_id"))
    except ClicoError as error:
        _refuse(request, error)
        raise
    return RedirectResponse(f"/admin/webhooks/{endpoint_id}?resent=1", status_code=303)


routes = [
    form_route("/admin/webhooks", show=webhooks_page, submit=register, name="webhooks"),
    Route("/admin/webhooks/{endpoint_id}", delivery_log, methods=["GET", "HEAD"],
          name="webhook_log"),
    Route("/admin/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver", redeliver,
          methods=["POST"], name="webhook_redeliver"),
    Route("/admin/webhooks/{endpoint_id}/events", change_events, methods=["POST"],
          name="webhook_events"),
    Route("/admin/webhooks/{endpoint_id}/disable", disable, methods=["POST"],
          name="webhook_disable"),
    Route("/admin/webhooks/{endpoint_id}/enable", enable, methods=["POST"],
          name="webhook_enable"),
    Route("/admin/webhooks/{endpoint_id}/delete", delete, methods=["POST"],
          name="webhook_delete"),
]
