"""The second sign-in step of the signed-in user: e-mailed codes or an authenticator app."""

from __future__ import annotations

from attrs import frozen
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clico_core.errors import ClicoError, InvalidCode, InvalidCredentials

from ..forms import read_form
from ..portal import portal_of
from ..rendering import failure, render, renderer_of
from ..sessions import signed_in, viewer_of

PAGE = "portal/two_factor.html"


@frozen
class EnableForm:
    secret: str
    code: str
    password: str


@frozen
class DisableForm:
    password: str


@frozen
class RegenerateForm:
    current_password: str


async def _codes_page(request: Request, codes: tuple[str, ...],
                     next_path: str = "/account/two-factor") -> Response:
    """The recovery codes, shown this once."""
    return render(request, "portal/recovery_codes.html",
                  {"section": "account", "codes": codes, "next": next_path})


async def _setup_page(request: Request, status: int = 200, **context: object) -> Response:
    viewer = viewer_of(request)
    portal = portal_of(request)
    setup = None
    codes_left = 0
    if not viewer.account.totp_secret:
        setup = await portal.call(portal.services.begin_totp, viewer)
    else:
        codes_left = await portal.call(portal.services.recovery_codes_left, viewer)
    return render(request, PAGE, {"section": "account", "setup": setup,
                                  "enabled": bool(viewer.account.totp_secret),
                                  "staff": viewer.account.is_staff, "codes_left": codes_left,
                                  **context},
                  status=status)


@signed_in
async def two_factor(request: Request) -> Response:
    done = request.query_params.get("done", "")
    notices = {"on": "Two-factor sign-in now uses your authenticator app.",
               "off": "Sign-in codes will be sent by email again."}
    notice = renderer_of(request).gettext(request, notices[done]) if done in notices else ""
    return await _setup_page(request, notice=notice)


@signed_in
async def enable(request: Request) -> Response:
    form = await read_form(request, EnableForm)
    portal = portal_of(request)
    try:
        codes = await portal.call_hashing(portal.services.enable_totp, viewer_of(request),
                                          form.secret, form.code, form.password)
    except InvalidCredentials:
        wrong = renderer_of(request).gettext(request, "The password is wrong.")
        return await _setup_page(request, status=400, errors={"password": wrong})
    except InvalidCode:
        wrong = renderer_of(request).gettext(
            request, "The code is wrong. Enter the current one from the app.")
        return await _setup_page(request, status=400, errors={"code": wrong})
    except ClicoError as error:
        shown = failure(request, error)
        return await _setup_page(request, status=shown.status, message=shown.message)
    return await _codes_page(request, codes, "/account/two-factor?done=on")


@signed_in
async def disable(request: Request) -> Response:
    form = await read_form(request, DisableForm)
    portal = portal_of(request)
    try:
        await portal.call_hashing(portal.services.disable_totp, viewer_of(request),
                                  form.password)
    except InvalidCredentials:
        wrong = renderer_of(request).gettext(request, "The password is wrong.")
        return await _setup_page(request, status=400, errors={"password": wrong})
    except ClicoError as error:
        shown = failure(request, error)
        return await _setup_page(request, status=shown.status, message=shown.message)
    return RedirectResponse("/account/two-factor?done=off", status_code=303)


@signed_in
async def regenerate(request: Request) -> Response:
    form = await read_form(request, RegenerateForm)
    portal = portal_of(request)
    try:
        codes = await portal.call_hashing(portal.services.regenerate_recovery_codes,
                                          viewer_of(request), form.current_password)
    except InvalidCredentials:
        wrong = renderer_of(request).gettext(request, "The password is wrong.")
        return await _setup_page(request, status=400, errors={"current_password": wrong})
    except ClicoError as error:
        shown = failure(request, error)
        return await _setup_page(request, status=shown.status, message=shown.message)
    return await _codes_page(request, codes)


routes = [
    Route("/account/two-factor", two_factor, methods=["GET"], name="two_factor"),
    Route("/account/two-factor/enable", enable, methods=["POST"], name="two_factor_enable"),
    Route("/account/two-factor/disable", disable, methods=["POST"], name="two_factor_disable"),
    Route("/account/recovery-codes", regenerate, methods=["POST"], name="recovery_codes"),
]
