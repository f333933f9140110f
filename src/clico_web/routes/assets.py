"""``Moje Zasoby``: the assets under active support, by category, paged."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clico_core.tickets import PAGE_SIZES

from ..portal import portal_of
from ..rendering import render
from ..sessions import signed_in, viewer_of

DEFAULT_PAGE_SIZE = 25


def _int(raw: str | None, default: int, low: int, high: int) -> int:
    # ASCII digits only: "²" is a digit to ``str.isdigit`` but not to ``int``
    if raw is None or not (raw.isascii() and raw.isdigit()) or len(raw) > 7:
        return default
    return max(low, min(int(raw), high))


async def covered_assets_context(request: Request) -> dict[str, object]:
    """What the covered-assets browser shows (Moje Zasoby and the ticket form's picker).

    A category no asset can have (junk, NUL bytes) is the core's business: an empty page.
    """
    params = request.query_params
    category = params.get("category") or None
    page = _int(params.get("page"), 1, 1, 1_000_000)
    size = _int(params.get("size"), DEFAULT_PAGE_SIZE, 1, 100)
    size = size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE
    portal = portal_of(request)
    result = await portal.call(portal.services.list_covered_assets, viewer_of(request),
                               category, page, size)
    pages = max(1, -(-result.total // size))
    return {"result": result, "category": category, "page": min(page, pages),
            "pages": pages, "size": size, "sizes": PAGE_SIZES}


@signed_in
async def my_assets(request: Request) -> Response:
    return render(request, "portal/assets.html",
                  {"section": "assets", **await covered_assets_context(request)})


routes = [Route("/assets", my_assets, name="assets")]
