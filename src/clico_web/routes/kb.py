"""``Baza Wiedzy`` for readers: the search page (``Szukaj``, open without signing in and
linked from the sign-in page), an article at ``/kb/<id>-<slug>``, ``To rozwiązało mój
problem``, and the sitemap. Who reads what is the core's policy: a draft or internal article
is a 404 for customers and anonymous readers (docs/security.md, "Knowledge base")."""

from __future__ import annotations

from xml.sax.saxutils import escape

import attrs
from attrs import frozen
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clico_core.errors import NotFound
from clico_core.kb import KbEventKind, slugify
from clico_core.values import Language

from ..forms import read_form
from ..portal import portal_of
from ..rendering import render, renderer_of
from ..sessions import current_viewer

MAX_QUERY_CHARS = 500
MAX_FILTER_CHARS = 80


def reader_language(request: Request) -> Language:
    return Language(renderer_of(request).language(request))


def not_found(request: Request) -> Response:
    return render(request, "errors/error.html", {
        "status": 404, "message": renderer_of(request).gettext(request, "Page not found.")},
        status=404)


def _param(request: Request, name: str, size: int) -> str:
    return request.query_params.get(name, "")[:size]


async def knowledge(request: Request) -> Response:
    """The search page; without words, the articles the reader may read, newest first."""
    viewer = await current_viewer(request)
    portal = portal_of(request)
    language = reader_language(request)
    typed = _param(request, "q", MAX_QUERY_CHARS)
    vendor = _param(request, "vendor", MAX_FILTER_CHARS) or None
    category = _param(request, "category", MAX_FILTER_CHARS) or None
    page = await portal.call(portal.services.search_kb, viewer, typed, language,
                             vendor=vendor, category=category,
                             after=_param(request, "after", 200) or None)
    listing = [] if typed.strip() else await portal.call(
        portal.services.kb_listing, viewer, language, category, vendor)
    categories = await portal.call(portal.services.kb_categories, viewer)
    return render(request, "kb/index.html", {
        "section": "knowledge", "typed": typed, "vendor": vendor or "",
        "category": category or "", "page": page, "listing": listing,
        "categories": categories, "language": language.value})


def _article_id(request: Request) -> str:
    """``/kb/<id>-<slug>`` (ids have no hyphen) or ``/kb/<id>/solved``."""
    ref = str(request.path_params.get("ref", request.path_params.get("article_id", "")))
    return ref.partition("-")[0][:64]


async def article(request: Request) -> Response:
    viewer = await current_viewer(request)
    portal = portal_of(request)
    language = reader_language(request)
    try:
        found = await portal.call(portal.services.kb_article, viewer, _article_id(request))
    except NotFound:
        return not_found(request)
    slug = found.slug(language)
    slugs = {found.slug(lang) for lang in Language}  # either language's title is canonical
    if str(request.path_params.get("ref", "")).partition("-")[2] not in slugs:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/kb/{found.id}-{slug}{query}", status_code=301)
    suggested = request.query_params.get("from") == "suggestion"
    if request.method == "GET":  # a link scanner's HEAD is no reader
        await portal.call(portal.services.record_kb_event, viewer, found.id,
                          KbEventKind.SUGGESTED_VIEW if suggested else KbEventKind.VIEW)
    files = await portal.call(portal.services.kb_files, viewer, found.id)
    text = found.text_in(language)
    return render(request, "kb/article.html", {
        "section": "knowledge", "article": found, "text": text, "slug": slug, "files": files,
        "description": " ".join(text.plain.split()[:30])[:160],
        "suggested": suggested, "solved": request.query_params.get("done") == "solved"})


@frozen
class SolvedForm:
    back: str = attrs.field(default="", metadata={"max_length": 8})


async def solved(request: Request) -> Response:
    """``To rozwiązało mój problem``: counted for the deflection report."""
    viewer = await current_viewer(request)
    await read_form(request, SolvedForm)
    portal = portal_of(request)
    try:
        found = await portal.call(portal.services.kb_article, viewer, _article_id(request))
        await portal.call(portal.services.record_kb_event, viewer, found.id,
                          KbEventKind.SOLVED)
    except NotFound:
        return not_found(request)
    return RedirectResponse(f"/kb/{found.id}-{found.slug(reader_language(request))}"
                            "?done=solved", status_code=303)


async def sitemap(request: Request) -> Response:
    """The public articles, for search engines."""
    portal = portal_of(request)
    language = reader_language(request)
    rows = await portal.call(portal.services.kb_listing, None, language)
    base = str(request.base_url).rstrip("/")
    urls = "".join(
        f"<url><loc>{escape(base)}/kb/{row.article_id}-{slugify(row.title)}</loc>"
        f"<lastmod>{row.updated_at.date().isoformat()}</lastmod></url>" for row in rows)
    body = ('<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')
    return Response(body, media_type="application/xml")


routes = [
    Route("/knowledge", knowledge, name="knowledge"),
    Route("/kb/sitemap.xml", sitemap, name="kb_sitemap"),
    Route("/kb/{ref:str}", article, name="kb_article"),
    Route("/kb/{article_id:str}/solved", solved, methods=["POST"], name="kb_solved"),
]
