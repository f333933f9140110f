"""``Tokeny API`` on the account page: create a personal access token (its secret shown
once, on the page answering the POST), list them, revoke one."""

from __future__ import annotations

import attrs
from attrs import frozen
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clico_core.errors import ClicoError
from clico_core.services import CreateApiToken

from ..forms import read_form
from ..portal import client_address, portal_of
from ..rendering import failure, render
from ..sessions import signed_in, viewer_of

EXPIRY_CHOICES = ("30", "90", "365", "never")


@frozen
class CreateTokenForm:
    name: str = attrs.field(default="", metadata={"max_length": 100})
    scope: str = attrs.field(default="read", metadata={"max_length": 8})
    expires: str = attrs.field(default="90", metadata={"max_length": 8})


@frozen
class RevokeTokenForm:
    token_id: str = attrs.field(metadata={"max_length": 64})


async def tokens_context(request: Request) -> dict[str, object]:
    """What the account page's ``Tokeny API`` section shows."""
    portal = portal_of(request)
    tokens = await portal.call(portal.services.list_api_tokens, viewer_of(request))
    return {"api_tokens": [(listed.token, listed.active) for listed in tokens],
            "token_revoked": bool(request.query_params.get("revoked")),
            "expiry_choices": EXPIRY_CHOICES, "new_token": "", "new_token_name": "",
            "token_errors": {}, "token_message": "", "token_form": None}


def _days(expires: str) -> int | None:
    if expires == "never":
        return None
    return int(expires) if expires in EXPIRY_CHOICES else 0  # 0: refused by the core


@signed_in
async def create_token(request: Request) -> Response:
    form = await read_form(request, CreateTokenForm)
    portal = portal_of(request)
    cmd = CreateApiToken(form.name, form.scope, _days(form.expires))
    context: dict[str, object] = {"section": "account", "changed": False,
                                  "notifications": False}
    try:
        issued = await portal.call(portal.services.create_api_token, viewer_of(request), cmd,
                                   client_address(request))
    except ClicoError as error:
        shown = failure(request, error)
        context.update(await tokens_context(request))
        return render(request, "portal/password.html",
                      {**context, "token_errors": shown.fields, "token_message": shown.message,
                       "token_form": form}, status=shown.status, headers=shown.headers)
    context.update(await tokens_context(request))
    return render(request, "portal/password.html",
                  {**context, "new_token": issued.secret, "new_token_name": issued.token.name},
                  headers={"Cache-Control": "no-store"})


@signed_in
async def revoke_token(request: Request) -> Response:
    form = await read_form(request, RevokeTokenForm)
    portal = portal_of(request)
    await portal.call(portal.services.revoke_api_token, viewer_of(request), form.token_id,
                      client_address(request))
    return RedirectResponse("/account/password?revoked=1#api-tokens", status_code=303)


routes = [Route("/account/api-tokens", create_token, methods=["POST"],
                name="create_api_token"),
          Route("/account/api-tokens/revoke", revoke_token, methods=["POST"],
                name="revoke_api_token")]
