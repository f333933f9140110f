"""``Sign Up`` with a support certificate, and the e-mail confirmation link."""

from __future__ import annotations

from attrs import asdict, frozen
from starlette.requests import Request
from starlette.responses import Response

from clico_core.errors import ClicoError, InvalidToken
from clico_core.services import RegisterAccount
from clico_core.values import Language

from ..forms import read_form
from ..portal import client_address, portal_of
from ..rendering import failure, render, renderer_of
from .form_route import form_route

MAX_SECRET_CHARS = 128
SECRET_FIELDS = ("password", "password_confirm")


@frozen
class SignUpForm:
    login: str
    email: str
    first_name: str
    last_name: str
    password: str
    password_confirm: str
    phone: str
    contract_number: str
    activation_code: str
    company: str


@frozen
class EmptyForm:
    pass


async def sign_up_page(request: Request) -> Response:
    return render(request, "auth/signup.html")


async def sign_up(request: Request) -> Response:
    form = await read_form(request, SignUpForm)
    portal = portal_of(request)
    language = Language(renderer_of(request).language(request))
    try:
        await portal.call_hashing(portal.services.register_account, RegisterAccount(
            **asdict(form), language=language, client=client_address(request)))
    except ClicoError as error:
        shown = failure(request, error)
        kept = {k: v for k, v in asdict(form).items() if k not in SECRET_FIELDS}
        return render(request, "auth/signup.html",
                      {"message": shown.message, "errors": shown.fields, "values": kept},
                      status=shown.status, headers=shown.headers)
    return render(request, "auth/signup_done.html")


async def confirm_page(request: Request) -> Response:
    """A button that confirms: mail scanners prefetch links (GET or HEAD), so only the
    POST of ``confirm`` may use the link up."""
    secret = request.path_params["secret"][:MAX_SECRET_CHARS]
    return render(request, "auth/confirm.html", {"secret": secret})


async def confirm(request: Request) -> Response:
    secret = request.path_params["secret"][:MAX_SECRET_CHARS]
    await read_form(request, EmptyForm)
    portal = portal_of(request)
    try:
        await portal.call(portal.services.confirm_email, secret)
    except InvalidToken:
        return render(request, "auth/confirm.html", {"secret": secret, "invalid": True},
                      status=400)
    return render(request, "auth/confirm.html", {"secret": secret, "confirmed": True})


routes = [
    form_route("/signup", show=sign_up_page, submit=sign_up, name="signup"),
    form_route("/confirm/{secret}", show=confirm_page, submit=confirm, name="confirm"),
]
