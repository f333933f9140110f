"""``Personel`` (administrators only): the staff list, invitations, disabling and enabling.

Every handler is ``admin_only``: the role is checked before the form is read, so a customer
gets a 404 and an engineer a 403 whatever they send (docs/security.md, "Roles").
"""

from __future__ import annotations

from attrs import frozen
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clico_core.errors import ClicoError
from clico_core.services import CreateStaff
from clico_core.values import Role

from ..forms import limited, read_form
from ..portal import portal_of
from ..rendering import failure, render, renderer_of
from ..sessions import admin_only, viewer_of
from .form_route import form_route

PAGE = "admin/staff.html"
ROLES = {"engineer": Role.ENGINEER, "admin": Role.ADMIN}
NOTICES = {
    "invited": "The invitation has been sent.",
    "disabled": "The account has been disabled. Its sessions have ended.",
    "enabled": "The account has been enabled again.",
}


@frozen
class InviteForm:
    email: str = limited(320)
    first_name: str = limited(100)
    last_name: str = limited(100)
    role: str = limited(16)


@frozen
class EmptyForm:
    pass


async def _page(request: Request, status: int = 200, **context: object) -> Response:
    portal = portal_of(request)
    staff = await portal.call(portal.services.list_staff, viewer_of(request))
    return render(request, PAGE, {"section": "staff", "staff": staff,
                                  "me": viewer_of(request).account.id, **context},
                  status=status)


@admin_only
async def staff_page(request: Request) -> Response:
    done = request.query_params.get("done", "")
    notice = renderer_of(request).gettext(request, NOTICES[done]) if done in NOTICES else ""
    return await _page(request, notice=notice)


@admin_only
async def invite(request: Request) -> Response:
    form = await read_form(request, InviteForm)
    portal = portal_of(request)
    values = {"email": form.email, "first_name": form.first_name,
              "last_name": form.last_name, "role": form.role}
    role = ROLES.get(form.role, Role.CUSTOMER)  # a customer is refused as an invalid choice
    try:
        await portal.call(portal.services.invite_staff, viewer_of(request),
                          CreateStaff(form.email, form.first_name, form.last_name, role))
    except ClicoError as error:
        shown = failure(request, error)
        return await _page(request, status=shown.status, message=shown.message,
                           errors=shown.fields, values=values)
    return RedirectResponse("/admin/staff?done=invited", status_code=303)


async def _switch(request: Request, disabled: bool) -> Response:
    await read_form(request, EmptyForm)
    portal = portal_of(request)
    account_id = request.path_params["account_id"][:64]
    try:
        await portal.call(portal.services.set_staff_disabled, viewer_of(request), account_id,
                          disabled)
    except ClicoError as error:
        shown = failure(request, error)
        if shown.status == 404:
            raise
        return await _page(request, status=shown.status, message=shown.message)
    return RedirectResponse(f"/admin/staff?done={'disabled' if disabled else 'enabled'}",
                            status_code=303)


@admin_only
async def disable(request: Request) -> Response:
    return await _switch(request, True)


@admin_only
async def enable(request: Request) -> Response:
    return await _switch(request, False)


routes = [
    form_route("/admin/staff", show=staff_page, submit=invite, name="admin_staff"),
    Route("/admin/staff/{account_id}/disable", disable, methods=["POST"],
          name="admin_staff_disable"),
    Route("/admin/staff/{account_id}/enable", enable, methods=["POST"],
          name="admin_staff_enable"),
]
