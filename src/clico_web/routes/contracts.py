"""``Kontrakty``: the contracts active on the account, one contract, ``Zarejestruj kontrakt``."""

from __future__ import annotations

from attrs import asdict, frozen
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clico_core.errors import ClicoError, NotFound

from ..forms import read_form
from ..portal import client_address, portal_of
from ..rendering import failure, render
from ..sessions import signed_in, viewer_of
from .form_route import form_route

MAX_ID_CHARS = 64


@frozen
class RegisterContractForm:
    contract_number: str
    contract_key: str


@signed_in
async def contract_list(request: Request) -> Response:
    portal = portal_of(request)
    views = await portal.call(portal.services.list_contracts, viewer_of(request))
    notice = ""
    if request.query_params.get("activated"):
        notice = "activated"
    return render(request, "portal/contracts.html",
                  {"contracts": views, "section": "contracts", "activated": notice})


@signed_in
async def contract_detail(request: Request) -> Response:
    contract_id = request.path_params["contract_id"][:MAX_ID_CHARS]
    portal = portal_of(request)
    try:
        view = await portal.call(portal.services.get_contract, viewer_of(request), contract_id)
    except NotFound as error:
        raise HTTPException(404) from error
    return render(request, "portal/contract.html", {"view": view, "section": "contracts"})


@signed_in
async def register_page(request: Request) -> Response:
    return render(request, "portal/register_contract.html", {"section": "contracts"})


@signed_in
async def register_contract(request: Request) -> Response:
    form = await read_form(request, RegisterContractForm)
    portal = portal_of(request)
    try:
        await portal.call(portal.services.activate_contract, viewer_of(request),
                          form.contract_number, form.contract_key, client_address(request))
    except ClicoError as error:
        shown = failure(request, error)
        return render(request, "portal/register_contract.html",
                      {"section": "contracts", "message": shown.message, "errors": shown.fields,
                       "values": {"contract_number": asdict(form)["contract_number"]}},
                      status=shown.status, headers=shown.headers)
    return RedirectResponse("/contracts?activated=1", status_code=303)


routes = [
    Route("/contracts", contract_list, name="contracts"),
    form_route("/contracts/register", show=register_page, submit=register_contract,
               name="register_contract"),
    Route("/contracts/{contract_id}", contract_detail, name="contract"),
]
