"""``/api/v1/kb/search``: ``Baza Wiedzy`` search for a token, as the portal's search page
reads it (the same ranking, filters, keyset pages and audience: a customer's token finds
public and customers' articles, a staff token internal ones too)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from clico_core.api_tokens import ApiScope
from clico_core.errors import ValidationFailed
from clico_core.kb import KbCursor, KbHit, slugify
from clico_core.services import Viewer
from clico_core.values import Language

from ..portal import portal_of
from .access import operation
from .models import KbHitOut, KbSearchOut, SnippetPartOut
from .responses import json_response

MAX_QUERY = 500  # characters of q read; the rest is ignored, as on the search page
MAX_FILTER = 80
LANGUAGES = {language.value: language for language in Language}


def _text(request: Request, name: str, top: int) -> str:
    return request.query_params.get(name, "")[:top]


def _hit(hit: KbHit) -> KbHitOut:
    return KbHitOut(hit.article_id, hit.title, hit.language.value,
                    f"/kb/{hit.article_id}-{slugify(hit.title)}",
                    [SnippetPartOut(text, marked) for text, marked in hit.snippet.segments],
                    list(hit.vendors), hit.category, hit.updated_at)


@operation(ApiScope.READ)
async def search(request: Request, viewer: Viewer) -> Response:
    typed = _text(request, "q", MAX_QUERY)
    if not typed.strip():
        raise ValidationFailed({"q": "required"})
    language = LANGUAGES.get(request.query_params.get("lang", viewer.account.language.value))
    if language is None:
        raise ValidationFailed({"lang": "invalid"})
    cursor = _text(request, "cursor", 200)
    if cursor and KbCursor.decode(cursor) is None:
        raise ValidationFailed({"cursor": "invalid"})
    size_text = request.query_params.get("size", "20")
    if not size_text.isdigit() or len(size_text) > 3 or not 1 <= int(size_text) <= 50:
        raise ValidationFailed({"size": "invalid"})
    portal = portal_of(request)
    page = await portal.call(portal.services.search_kb, viewer, typed, language,
                             vendor=_text(request, "vendor", MAX_FILTER) or None,
                             category=_text(request, "category", MAX_FILTER) or None,
                             after=cursor or None, limit=int(size_text))
    return json_response(KbSearchOut([_hit(h) for h in page.hits],
                                      page.next.encode() if page.next else None))
