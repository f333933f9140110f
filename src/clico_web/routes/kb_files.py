"""Files of ``Baza Wiedzy`` articles: downloaded by whoever may read the article (anyone
for ``publiczny``, signed-in customers for ``klienci``, staff for ``wewnętrzny`` and
drafts; everyone else gets the same 404 as for the article), with the conversation's
download headers; staff remove them from the edit page. Staff attach them on that page's
form (``kb_staff``)."""

from __future__ import annotations

from attrs import frozen
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clico_core.errors import NotFound

from ..attachments.download import attachment_response
from ..forms import read_form
from ..portal import portal_of
from ..sessions import current_viewer, staff_only, viewer_of
from .kb import not_found


@frozen
class RemoveForm:
    """The remove button posts nothing but its CSRF token."""


def _ids(request: Request) -> tuple[str, str]:
    return (str(request.path_params.get("article_id", ""))[:64],
            str(request.path_params.get("attachment_id", ""))[:64])


async def download(request: Request) -> Response:
    """A file of an article the reader may read (``kb_file_for_download``)."""
    viewer = await current_viewer(request)
    portal = portal_of(request)
    article_id, attachment_id = _ids(request)
    try:
        found = await portal.call(portal.services.kb_file_for_download, viewer, article_id,
                                  attachment_id)
    except NotFound:
        return not_found(request)
    return attachment_response(request, found, inline=request.query_params.get("inline") == "1")


@staff_only
async def remove(request: Request) -> Response:
    await read_form(request, RemoveForm)
    portal = portal_of(request)
    article_id, attachment_id = _ids(request)
    try:
        await portal.call(portal.services.remove_kb_file, viewer_of(request), article_id,
                          attachment_id)
    except NotFound:
        return not_found(request)
    return RedirectResponse(f"/staff/kb/{article_id}/edit?done=removed", status_code=303)


routes = [
    Route("/kb/{article_id:str}/files/{attachment_id:str}", download, name="kb_file"),
    Route("/staff/kb/{article_id:str}/files/{attachment_id:str}/remove", remove,
          methods=["POST"], name="kb_file_remove"),
]
