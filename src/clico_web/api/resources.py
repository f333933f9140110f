"""``/api/v1``: the caller's account, assets, contracts and attachments."""

from __future__ import annotations

import tempfile

from starlette.requests import Request
from starlette.responses import Response

from clico_core.api_tokens import ApiScope
from clico_core.errors import AssetNotCovered, AttachmentTooLarge, NotFound, ValidationFailed
from clico_core.services import Viewer

from ..attachments.download import attachment_response
from ..portal import portal_of
from .access import operation
from .models import (
    AccountOut,
    AssetDetailOut,
    AssetListOut,
    AssetOut,
    ContractListOut,
    ContractOut,
    QuestionOut,
)
from .responses import idempotency_key, json_response
from .tickets import attachment_out

SPOOL = 1 << 20
CHUNK = 64 << 10


@operation(ApiScope.READ)
async def me(request: Request, viewer: Viewer) -> Response:
    a = viewer.account
    return json_response(AccountOut(
        a.login, a.email, f"{a.first_name} {a.last_name}".strip(), a.role.value,
        a.language.value, sorted(viewer.scope.company_ids),
        viewer.api_scope.value if viewer.api_scope else ""))


def _asset(asset: object) -> AssetOut:
    return AssetOut(asset.id, asset.name, asset.vendor, asset.serial,  # type: ignore[attr-defined]
                    asset.category)  # type: ignore[attr-defined]


def _int(request: Request, name: str, default: int, top: int) -> int:
    text = request.query_params.get(name, str(default))
    if not text.isdigit() or len(text) > 6 or not 1 <= int(text) <= top:
        raise ValidationFailed({name: "invalid"})
    return int(text)


@operation(ApiScope.READ)
async def list_assets(request: Request, viewer: Viewer) -> Response:
    page_number = _int(request, "page", 1, 100_000)
    size = _int(request, "size", 25, 100)
    category = request.query_params.get("category") or None
    portal = portal_of(request)
    page = await portal.call(portal.services.list_covered_assets, viewer,
                             category[:100] if category else None, page_number, size)
    return json_response(AssetListOut([_asset(a) for a in page.rows], page.total,
                                      page_number))


@operation(ApiScope.READ)
async def get_asset(request: Request, viewer: Viewer) -> Response:
    portal = portal_of(request)
    try:
        covered = await portal.call(portal.services.covered_asset, viewer,
                                    str(request.path_params["asset_id"])[:64])
    except AssetNotCovered:  # unknown, another company's, or out of support alike
        raise NotFound() from None
    language = viewer.account.language.value
    questions = [QuestionOut(q.id, q.kind.value, q.label(language),
                             [c.value for c in q.choices])
                 for q in covered.questionnaire.questions]
    return json_response(AssetDetailOut(_asset(covered.asset), covered.contract_number,
                                        questions))


@operation(ApiScope.READ)
async def list_contracts(request: Request, viewer: Viewer) -> Response:
    page_number = _int(request, "page", 1, 100_000)
    size = _int(request, "size", 25, 100)
    company = request.query_params.get("company") or None
    portal = portal_of(request)
    page = await portal.call(portal.services.api_contracts, viewer,
                             company[:64] if company else None, page_number, size)
    return json_response(ContractListOut([
        ContractOut(r.contract.number, r.contract.company_id, r.company_name,
                    r.contract.support_level, r.contract.valid_from.isoformat(),
                    r.contract.valid_until.isoformat(), r.active,
                    list(r.contract.asset_ids))
        for r in page.rows], page.total, page_number))


@operation(ApiScope.WRITE)
async def upload(request: Request, viewer: Viewer) -> Response:
    """The request body is the file; ``?name=`` its file name."""
    key = idempotency_key(request)
    name = request.query_params.get("name", "")[:255]
    if not name.strip():
        raise ValidationFailed({"name": "required"})
    portal = portal_of(request)
    if key is not None:  # the same key again: the first upload, without reading the body
        first = await portal.call(portal.services.attachment_by_key, viewer, key)
        if first is not None:
            return json_response(attachment_out(first), 201,
                                 {"Location": f"/api/v1/attachments/{first.id}"})
    budget = portal.services.upload_budget()
    limit = budget.limits.per_file
    # spooled: memory stays bounded (1 MiB), the rest waits on disk for the core to stream
    with tempfile.SpooledTemporaryFile(max_size=SPOOL) as spool:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise AttachmentTooLarge(name, limit)
            spool.write(chunk)
        spool.seek(0)
        stored = await portal.call(portal.services.upload_attachment, viewer, name,
                                   iter(lambda: spool.read(CHUNK), b""), budget, key)
    return json_response(attachment_out(stored), 201,
                         {"Location": f"/api/v1/attachments/{stored.id}"})


@operation(ApiScope.READ)
async def download(request: Request, viewer: Viewer) -> Response:
    portal = portal_of(request)
    found = await portal.call(portal.services.attachment_for_download, viewer,
                              str(request.path_params["attachment_id"])[:64])
    return attachment_response(request, found)
