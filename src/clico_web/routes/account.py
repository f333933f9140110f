"""The signed-in user's own account: changing the password, and (customers) the setting
``Powiadamiaj mnie o zgłoszeniach mojej firmy``."""

from __future__ import annotations

import attrs
from attrs import frozen
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clico_core.errors import ClicoError, InvalidCredentials, NotFound

from ..forms import read_form
from ..portal import portal_of
from ..rendering import failure, render, renderer_of
from ..sessions import signed_in, viewer_of
from .api_tokens import tokens_context
from .form_route import form_route


@frozen
class ChangePasswordForm:
    current_password: str
    password: str
    password_confirm: str


@frozen
class NotificationsForm:
    # an unticked checkbox is left out of the form
    notify_company_tickets: str = attrs.field(default="", metadata={"max_length": 8})


def _notify(request: Request) -> dict[str, object]:
    account = viewer_of(request).account
    return {"notifications": not account.is_staff,
            "notify_company_tickets": account.notify_company_tickets,
            "notifications_saved": bool(request.query_params.get("notifications"))}


@signed_in
async def password_page(request: Request) -> Response:
    changed = bool(request.query_params.get("changed"))
    return render(request, "portal/password.html", {"section": "account", "changed": changed,
                                                    **_notify(request),
                                                    **await tokens_context(request)})


@signed_in
async def save_notifications(request: Request) -> Response:
    form = await read_form(request, NotificationsForm)
    portal = portal_of(request)
    try:
        await portal.call(portal.services.set_company_notifications, viewer_of(request),
                          form.notify_company_tickets == "1")
    except NotFound:
        return render(request, "errors/error.html", {
            "status": 404,
            "message": renderer_of(request).gettext(request, "Page not found.")}, status=404)
    return RedirectResponse("/account/password?notifications=1", status_code=303)


@signed_in
async def change_password(request: Request) -> Response:
    form = await read_form(request, ChangePasswordForm)
    portal = portal_of(request)
    try:
        await portal.call_hashing(portal.services.change_password, viewer_of(request),
                                  form.current_password, form.password, form.password_confirm)
    except InvalidCredentials:
        wrong = renderer_of(request).gettext(request, "The current password is wrong.")
        return render(request, "portal/password.html",
                      {"section": "account", "changed": False, **_notify(request),
                       **await tokens_context(request),
                       "errors": {"current_password": wrong}}, status=400)
    except ClicoError as error:
        shown = failure(request, error)
        return render(request, "portal/password.html",
                      {"section": "account", "changed": False, "message": shown.message,
                       "errors": shown.fields, **_notify(request),
                       **await tokens_context(request)},
                      status=shown.status, headers=shown.headers)
    return RedirectResponse("/account/password?changed=1", status_code=303)


routes = [form_route("/account/password", show=password_page, submit=change_password,
                     name="change_password"),
          Route("/account/notifications", save_notifications, methods=["POST"],
                name="account_notifications")]
