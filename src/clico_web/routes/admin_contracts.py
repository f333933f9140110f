"""Contract administration (``Administrator``): create, import, one contract's page with its
assets, terms, key and revocation. Engineers get a 403, customers a 404 (clico_core.roles).

An activation key is shown once, on the page that answers the POST which made it, never in
a URL; that page is not cached (docs/security.md)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from attrs import asdict, frozen
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clico_core.errors import ClicoError, ContractImportRejected, ValidationFailed
from clico_core.roles import require_admin
from clico_core.services import AssetSpec, ContractTerms, IssueContract

from ..contract_csv import MAX_BYTES, CsvProblem, read_contract_csv
from ..forms import BadForm, read_form
from ..portal import portal_of
from ..rendering import failure, render
from ..sessions import admin_only, viewer_of
from .form_route import form_route

MAX_NUMBER_CHARS = 64
NO_STORE = {"Cache-Control": "no-store"}
ACTIONS = ("add_asset", "remove_asset", "terms", "key", "revoke")


@frozen
class NewContractForm:
    number: str
    company: str
    valid_until: str
    valid_from: str = ""
    support_level: str = ""
    asset_name: str = ""
    asset_vendor: str = ""
    asset_serial: str = ""
    asset_category: str = ""


@frozen
class ContractActionForm:
    action: str
    asset_id: str = ""
    asset_name: str = ""
    asset_vendor: str = ""
    asset_serial: str = ""
    asset_category: str = ""
    support_level: str = ""
    valid_from: str = ""
    valid_until: str = ""


def _day(text: str, name: str, problems: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        problems[name] = "invalid_date"
        return None


def _asset(form: NewContractForm | ContractActionForm) -> AssetSpec | None:
    fields = (form.asset_name, form.asset_vendor, form.asset_serial, form.asset_category)
    return AssetSpec(*fields) if any(f.strip() for f in fields) else None


def contract_path(number: str) -> str:
    return f"/admin/contracts/{quote(number, safe='')}"


@admin_only
async def admin_page(request: Request) -> Response:
    require_admin(viewer_of(request).account)
    number = request.query_params.get("number", "").strip()[:MAX_NUMBER_CHARS]
    if number:
        return RedirectResponse(contract_path(number), status_code=303)
    return render(request, "admin/contracts.html", {"section": "admin_contracts"})


@admin_only
async def create(request: Request) -> Response:
    form = await read_form(request, NewContractForm)
    portal = portal_of(request)
    problems: dict[str, str] = {}
    until = _day(form.valid_until, "valid_until", problems)
    start = _day(form.valid_from, "valid_from", problems) if form.valid_from.strip() else None
    asset = _asset(form)
    try:
        if problems or until is None:
            raise ValidationFailed(problems)
        issued = await portal.call(portal.services.create_contract, viewer_of(request),
                                   IssueContract(form.number, form.company, until, start,
                                                 form.support_level,
                                                 (asset,) if asset else ()))
    except ClicoError as error:
        shown = failure(request, error)
        fields = {("asset_name" if k == "asset_1" else k): v for k, v in shown.fields.items()}
        return render(request, "admin/contracts.html",
                      {"section": "admin_contracts", "message": shown.message,
                       "errors": fields, "values": asdict(form)},
                      status=shown.status, headers=shown.headers)
    return render(request, "admin/keys.html",
                  {"section": "admin_contracts", "created": True,
                   "keys": [(issued.contract.number, issued.activation_key)]},
                  headers=NO_STORE)


async def _upload(request: Request) -> bytes:
    try:
        form = await request.form(max_files=1, max_fields=2)
    except Exception as error:  # multipart errors
        raise BadForm() from error
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise BadForm()
        return await upload.read(MAX_BYTES + 1)
    finally:
        await form.close()


@admin_only
async def import_file(request: Request) -> Response:
    viewer = viewer_of(request)
    require_admin(viewer.account)
    portal = portal_of(request)
    context: dict[str, Any] = {"section": "admin_contracts"}
    try:
        rows = read_contract_csv(await _upload(request))
        done = await portal.call(portal.services.import_contracts, viewer, rows)
    except CsvProblem as problem:
        context["file_problem"] = problem
        return render(request, "admin/contracts.html", context, status=400)
    except ContractImportRejected as error:
        shown = failure(request, error)
        context.update(message=shown.message, rejected=error.lines)
        return render(request, "admin/contracts.html", context, status=shown.status)
    return render(request, "admin/keys.html",
                  {**context, "keys": [(c.number, c.activation_key) for c in done],
                   "imported": done}, headers=NO_STORE)


async def _page(request: Request, number: str, extra: dict[str, Any],
                status: int = 200, headers: dict[str, str] | None = None) -> Response:
    portal = portal_of(request)
    page = await portal.call(portal.services.contract_admin_page, viewer_of(request), number)
    terms = {"support_level": page.contract.support_level,
             "valid_from": page.contract.valid_from.isoformat(),
             "valid_until": page.contract.valid_until.isoformat()}
    typed = {k: v for k, v in extra.pop("values", {}).items() if v}
    return render(request, "admin/contract.html",
                  {"section": "admin_contracts", "page": page, "values": {**terms, **typed},
                   **extra},
                  status=status, headers=headers)


@admin_only
async def contract_page(request: Request) -> Response:
    number = request.path_params["number"][:MAX_NUMBER_CHARS]
    done = request.query_params.get("done", "")
    return await _page(request, number, {"done": done if done in ACTIONS else ""})


@admin_only
async def contract_action(request: Request) -> Response:
    number = request.path_params["number"][:MAX_NUMBER_CHARS]
    form = await read_form(request, ContractActionForm)
    if form.action not in ACTIONS:
        raise BadForm()
    viewer, portal = viewer_of(request), portal_of(request)
    services = portal.services
    try:
        if form.action == "add_asset":
            spec = _asset(form) or AssetSpec("", "", "")
            await portal.call(services.add_contract_asset, viewer, number, spec)
        elif form.action == "remove_asset":
            await portal.call(services.remove_contract_asset, viewer, number, form.asset_id)
        elif form.action == "terms":
            problems: dict[str, str] = {}
            start = _day(form.valid_from, "valid_from", problems)
            until = _day(form.valid_until, "valid_until", problems)
            if problems or start is None or until is None:
                raise ValidationFailed(problems)
            await portal.call(services.change_contract_terms, viewer, number,
                              ContractTerms(form.support_level, start, until))
        elif form.action == "key":
            issued = await portal.call(services.regenerate_contract_key, viewer, number)
            return render(request, "admin/keys.html",
                          {"section": "admin_contracts", "regenerated": True,
                           "keys": [(issued.contract.number, issued.activation_key)]},
                          headers=NO_STORE)
        else:
            await portal.call(services.revoke_contract, viewer, number)
    except ClicoError as error:
        if error.code in ("not_found", "admin_only"):
            raise
        shown = failure(request, error)
        fields = {("asset_name" if k == "asset" else k): v for k, v in shown.fields.items()}
        return await _page(request, number, {"message": shown.message, "errors": fields,
                                             "values": asdict(form), "done": ""},
                           status=shown.status, headers=shown.headers)
    return RedirectResponse(f"{contract_path(number)}?done={form.action}", status_code=303)


routes = [
    form_route("/admin/contracts", show=admin_page, submit=create, name="admin_contracts"),
    Route("/admin/contracts/import", import_file, methods=["POST"],
          name="admin_contracts_import"),
    form_route("/admin/contracts/{number}", show=contract_page, submit=contract_action,
               name="admin_contract"),
]
