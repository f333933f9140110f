"""Signing in: password step, e-mailed code step, a new code, signing out."""

from __future__ import annotations

from attrs import frozen
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clico_core.errors import ClicoError, SignInExpired
from clico_core.services import SignIn
from clico_core.sessions import SecondFactor

from ..forms import limited, read_form
from ..portal import Portal, client_address, portal_of
from ..rendering import failure, render, renderer_of
from ..security.devices import device_cookies_of
from ..sessions import clear_session_cookie, current_viewer, session_token, set_session_cookie
from .form_route import form_route


@frozen
class SignInForm:
    login: str = limited(320)  # a login or an e-mail address
    password: str = limited(16_384)


@frozen
class CodeForm:
    code: str = limited(64)


@frozen
class EmptyForm:
    pass


def _redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


async def sign_in_page(request: Request) -> Response:
    if await current_viewer(request) is not None:
        return _redirect("/")
    notice = ""
    if request.query_params.get("expired"):
        notice = renderer_of(request).gettext(
            request, "Your sign-in has expired. Please sign in again.")
    return render(request, "auth/signin.html", {"notice": notice})


async def sign_in(request: Request) -> Response:
    form = await read_form(request, SignInForm)
    portal = portal_of(request)
    old = session_token(request)
    devices = device_cookies_of(request)
    try:
        step = await portal.call_hashing(portal.services.sign_in, SignIn(
            form.login, form.password, client_address(request), devices.read(request)))
    except ClicoError as error:
        shown = failure(request, error)
        return render(request, "auth/signin.html",
                      {"message": shown.message, "values": {"login": form.login}},
                      status=shown.status, headers=shown.headers)
    if old:
        await portal.call(portal.services.sign_out, old)
    response = _redirect("/" if step.complete else
                         "/signin/enrol" if step.enrol_totp else
                         "/signin/code?app=1" if step.second_factor is SecondFactor.TOTP
                         else "/signin/code")
    set_session_cookie(response, portal.settings, step.session_token)
    devices.remember(response, request, step.device)
    return response


async def _start_over(portal: Portal, token: str) -> Response:
    """The pending sign-in is gone: end whatever session the cookie held, sign in again."""
    await portal.call(portal.services.sign_out, token)
    response = _redirect("/signin?expired=1")
    clear_session_cookie(response, portal.settings)
    return response


async def code_page(request: Request) -> Response:
    if session_token(request) is None:
        return _redirect("/signin")
    app = bool(request.query_params.get("app"))  # the code comes from an authenticator app
    notice = ""
    if request.query_params.get("resent"):
        notice = renderer_of(request).gettext(request, "A new code has been sent.")
    return render(request, "auth/code.html", {"notice": notice, "app": app})


async def verify_code(request: Request) -> Response:
    token = session_token(request)
    if token is None:
        return _redirect("/signin")
    app = bool(request.query_params.get("app"))  # the code comes from an authenticator app
    form = await read_form(request, CodeForm)
    portal = portal_of(request)
    try:
        step = await portal.call(portal.services.verify_code, token, form.code,
                                 client_address(request))
    except SignInExpired:
        return await _start_over(portal, token)
    except ClicoError as error:
        shown = failure(request, error)
        return render(request, "auth/code.html", {"message": shown.message, "app": app},
                      status=shown.status, headers=shown.headers)
    response = _redirect("/signin/enrol" if step.enrol_totp else "/")
    set_session_cookie(response, portal.settings, step.session_token)
    device_cookies_of(request).remember(response, request, step.device)
    return response


async def resend_code(request: Request) -> Response:
    token = session_token(request)
    await read_form(request, EmptyForm)
    if token is None:
        return _redirect("/signin")
    portal = portal_of(request)
    try:
        await portal.call(portal.services.resend_code, token)
    except SignInExpired:
        return await _start_over(portal, token)
    except ClicoError as error:
        shown = failure(request, error)
        return render(request, "auth/code.html", {"message": shown.message, "app": False},
                      status=shown.status, headers=shown.headers)
    return _redirect("/signin/code?resent=1")


async def sign_out(request: Request) -> Response:
    await read_form(request, EmptyForm)
    token = session_token(request)
    portal = portal_of(request)
    if token:
        await portal.call(portal.services.sign_out, token)
    response = _redirect("/signin")
    clear_session_cookie(response, portal.settings)
    return response


routes = [
    form_route("/signin", show=sign_in_page, submit=sign_in, name="signin"),
    form_route("/signin/code", show=code_page, submit=verify_code, name="signin_code"),
    Route("/signin/code/resend", resend_code, methods=["POST"], name="signin_code_resend"),
    Route("/signout", sign_out, methods=["POST"], name="signout"),
]
