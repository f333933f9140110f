"""The signed-in user's own account: changing the password."""

from __future__ import annotations

from attrs import frozen
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from clico_core.errors import ClicoError, InvalidCredentials

from ..forms import read_form
from ..portal import portal_of
from ..rendering import failure, render, renderer_of
from ..sessions import signed_in, viewer_of
from .form_route import form_route


@frozen
class ChangePasswordForm:
    current_password: str
    password: str
    password_confirm: str


@signed_in
async def password_page(request: Request) -> Response:
    changed = bool(request.query_params.get("changed"))
    return render(request, "portal/password.html", {"section": "account", "changed": changed})


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
                      {"section": "account", "changed": False,
                       "errors": {"current_password": wrong}}, status=400)
    except ClicoError as error:
        shown = failure(request, error)
        return render(request, "portal/password.html",
                      {"section": "account", "changed": False, "message": shown.message,
                       "errors": shown.fields}, status=shown.status, headers=shown.headers)
    return RedirectResponse("/account/password?changed=1", status_code=303)


routes = [form_route("/account/password", show=password_page, submit=change_password,
                     name="change_password")]
