"""``Forgot my password``: the request (same answer always) and the reset link's form."""

from __future__ import annotations

import logging

from attrs import frozen
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response

from clico_core.errors import ClicoError, InvalidToken

from ..forms import read_form
from ..portal import Portal, client_address, portal_of
from ..rendering import failure, render
from .form_route import form_route

MAX_SECRET_CHARS = 128
log = logging.getLogger("clico_web")


@frozen
class ForgotForm:
    login_or_email: str


@frozen
class ResetForm:
    password: str
    password_confirm: str


async def forgot_page(request: Request) -> Response:
    return render(request, "auth/forgot.html")


async def request_reset(request: Request) -> Response:
    form = await read_form(request, ForgotForm)
    # The same page whatever happens (unknown account, rate limit), sent before anything is
    # looked up: a known account costs more work (its link and mail), and that work must not
    # show in how fast the answer comes (docs/security.md, no account enumeration).
    response = render(request, "auth/forgot.html", {"done": True})
    response.background = BackgroundTask(_request_reset, portal_of(request),
                                         form.login_or_email, client_address(request))
    return response


async def _request_reset(portal: Portal, login_or_email: str, client: str) -> None:
    """After the answer: e-mail a reset link if the account exists."""
    try:
        await portal.call(portal.services.request_password_reset, login_or_email, client)
    except Exception as error:  # the answer is gone: all that is left is to log it
        log.error("password reset request failed: %s", type(error).__name__)


def _invalid_link(request: Request) -> Response:
    return render(request, "auth/reset_invalid.html", status=400)


async def reset_page(request: Request) -> Response:
    secret = request.path_params["secret"][:MAX_SECRET_CHARS]
    portal = portal_of(request)
    try:
        await portal.call(portal.services.check_reset_token, secret)
    except InvalidToken:
        return _invalid_link(request)
    return render(request, "auth/reset.html", {"secret": secret})


async def reset_password(request: Request) -> Response:
    secret = request.path_params["secret"][:MAX_SECRET_CHARS]
    portal = portal_of(request)
    form = await read_form(request, ResetForm)
    try:
        await portal.call_hashing(portal.services.reset_password, secret, form.password,
                                  form.password_confirm, client_address(request))
    except InvalidToken:
        return _invalid_link(request)
    except ClicoError as error:
        shown = failure(request, error)
        return render(request, "auth/reset.html",
                      {"secret": secret, "message": shown.message, "errors": shown.fields},
                      status=shown.status, headers=shown.headers)
    return render(request, "auth/reset_done.html")


routes = [
    form_route("/password/forgot", show=forgot_page, submit=request_reset,
               name="password_forgot"),
    form_route("/password/reset/{secret}", show=reset_page, submit=reset_password,
               name="password_reset"),
]
