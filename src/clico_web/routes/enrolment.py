"""Staff's authenticator app before anything else, and recovery codes at the sign-in step.

``/signin/enrol``: after both sign-in steps a staff member without the app holds a session
that opens only this page (docs/security.md, "Roles"); the app's first code turns it into a
full session and the recovery codes are shown once. ``/signin/recovery``: ``Użyj kodu
odzyskiwania`` instead of the app's code.
"""

from __future__ import annotations

from attrs import frozen
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from clico_core.errors import ClicoError, InvalidCode, SignInExpired

from ..forms import limited, read_form
from ..portal import client_address, portal_of
from ..rendering import failure, render
from ..security.devices import device_cookies_of
from ..sessions import session_token, set_session_cookie
from .form_route import form_route
from .signin import _start_over


@frozen
class EnrolForm:
    secret: str = limited(64)
    code: str = limited(64)


@frozen
class RecoveryForm:
    code: str = limited(64)


async def enrol_page(request: Request) -> Response:
    token = session_token(request)
    if token is None:
        return RedirectResponse("/signin", status_code=303)
    portal = portal_of(request)
    try:
        setup = await portal.call(portal.services.begin_enrolment, token)
    except SignInExpired:  # a GET changes nothing: whatever the cookie holds stays
        return RedirectResponse("/signin", status_code=303)
    return render(request, "auth/enrol.html", {"setup": setup})


async def enrol(request: Request) -> Response:
    token = session_token(request)
    if token is None:
        return RedirectResponse("/signin", status_code=303)
    form = await read_form(request, EnrolForm)
    portal = portal_of(request)
    try:
        done = await portal.call(portal.services.finish_enrolment, token, form.secret,
                                 form.code, client_address(request))
    except SignInExpired:
        return await _start_over(portal, token)
    except ClicoError as error:
        shown = failure(request, error)
        errors = {}
        if isinstance(error, InvalidCode):
            errors["code"] = shown.message
        return render(request, "auth/enrol.html",
                      {"setup": {"secret": form.secret, "uri": ""},
                       "message": "" if errors else shown.message, "errors": errors},
                      status=shown.status, headers=shown.headers)
    response = render(request, "auth/recovery_codes.html",
                      {"codes": done.recovery_codes, "next": "/"})
    set_session_cookie(response, portal.settings, done.step.session_token)
    device_cookies_of(request).remember(response, request, done.step.device)
    return response


async def recovery_page(request: Request) -> Response:
    if session_token(request) is None:
        return RedirectResponse("/signin", status_code=303)
    return render(request, "auth/recovery.html")


async def use_recovery_code(request: Request) -> Response:
    token = session_token(request)
    if token is None:
        return RedirectResponse("/signin", status_code=303)
    form = await read_form(request, RecoveryForm)
    portal = portal_of(request)
    try:
        step = await portal.call(portal.services.verify_recovery_code, token, form.code,
                                 client_address(request))
    except SignInExpired:
        return await _start_over(portal, token)
    except ClicoError as error:
        shown = failure(request, error)
        return render(request, "auth/recovery.html", {"message": shown.message},
                      status=shown.status, headers=shown.headers)
    if step.enrol_totp:  # cannot happen: a recovery code needs the app
        return await _start_over(portal, step.session_token)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, portal.settings, step.session_token)
    device_cookies_of(request).remember(response, request, step.device)
    return response


routes = [
    form_route("/signin/enrol", show=enrol_page, submit=enrol, name="signin_enrol"),
    form_route("/signin/recovery", show=recovery_page, submit=use_recovery_code,
               name="signin_recovery"),
]
