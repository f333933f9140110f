"""``Baza Wiedzy`` for staff: ``Nowy artykuł`` and editing (both language versions with the
rich-text editor, category, vendor tags, ``Widoczność``; ``Opublikuj`` or save a draft), the
history with restore, ``Utwórz artykuł`` from a resolved ticket, and the deflection report.
Every handler is ``staff_only``: a customer gets a 404."""

from __future__ import annotations

from typing import Any

import attrs
from attrs import frozen
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clico_core.attachments import Attachment
from clico_core.errors import ClicoError, NotFound
from clico_core.kb import KbArticle, Visibility
from clico_core.kb.model import MAX_TITLE
from clico_core.services import KbTextInput, SaveKbArticle
from clico_core.values import Language

from ..attachments import receive_attachments
from ..forms import BadForm, fields_as, read_form
from ..portal import portal_of
from ..rendering import failure, render, renderer_of
from ..sessions import staff_only, viewer_of
from .form_route import form_route
from .kb import not_found, reader_language
from .ticket_form import MAX_DESCRIPTION_CHARS, text_to_html
from .ticket_labels import field_errors

MAX_BODY_BYTES = 400_000  # a body field of the multipart form (the core takes 100 kB of HTML)


@frozen
class ArticleForm:
    title_pl: str = attrs.field(default="", metadata={"max_length": MAX_TITLE * 4})
    body_pl: str = attrs.field(default="", metadata={"max_length": MAX_DESCRIPTION_CHARS})
    title_en: str = attrs.field(default="", metadata={"max_length": MAX_TITLE * 4})
    body_en: str = attrs.field(default="", metadata={"max_length": MAX_DESCRIPTION_CHARS})
    visibility: str = attrs.field(default="", metadata={"max_length": 16})
    category: str = attrs.field(default="", metadata={"max_length": 160})
    vendors: str = attrs.field(default="", metadata={"max_length": 500})
    action: str = attrs.field(default="publish", metadata={"max_length": 16})
    format: str = attrs.field(default="text", metadata={"max_length": 8})


@frozen
class EmptyForm:
    """A button that posts nothing but its CSRF token."""


def _values(article: KbArticle) -> dict[str, str]:
    values = {"format": "html", "visibility": article.visibility.value,
              "category": article.category, "vendors": " ".join(article.vendors)}
    for text in article.texts:
        values[f"title_{text.language}"] = text.title
        values[f"body_{text.language}"] = text.body
    return values


async def _form_page(request: Request, article_id: str | None, *,
                     values: dict[str, str] | None = None,
                     errors: dict[str, str] | None = None, message: str = "",
                     status: int = 200) -> Response:
    portal = portal_of(request)
    article = None
    files: list[Attachment] = []
    if article_id is not None:
        try:
            article = await portal.call(portal.services.kb_article, viewer_of(request),
                                        article_id)
            files = await portal.call(portal.services.kb_files, viewer_of(request),
                                      article_id)
        except NotFound:
            return not_found(request)
    context: dict[str, Any] = {
        "section": "knowledge", "article": article, "files": files,
        "values": values or (_values(article) if article else {"visibility": "publiczny"}),
        "errors": errors or {}, "message": message,
        "visibilities": [v.value for v in Visibility]}
    return render(request, "kb/edit.html", context, status=status)


async def _read_article(request: Request, typed: list[tuple[str, str]]
                        ) -> tuple[ArticleForm, list[str]]:
    """The form and the ids of its files, stored as the viewer's unlinked uploads (the
    form is multipart when the browser sends files; url-encoded forms are read too)."""
    if not request.headers.get("content-type", "").startswith("multipart/"):
        return await read_form(request, ArticleForm), []
    portal = portal_of(request)
    uploaded = await receive_attachments(request, portal.services, viewer_of(request), typed,
                                         max_field_bytes=MAX_BODY_BYTES)
    ids = [a.id for a in uploaded.files]
    try:
        return fields_as(uploaded.fields, ArticleForm), ids
    except BadForm:
        await portal.call(portal.services.discard_uploads, viewer_of(request), ids)
        raise


def _typed_values(typed: list[tuple[str, str]]) -> dict[str, str] | None:
    """What a form refused part-way (a file too large) shows again."""
    try:
        return attrs.asdict(fields_as(typed, ArticleForm))
    except BadForm:
        return None


async def _save(request: Request, article_id: str | None) -> Response:
    portal = portal_of(request)
    viewer = viewer_of(request)
    typed: list[tuple[str, str]] = []
    try:
        form, file_ids = await _read_article(request, typed)
    except ClicoError as error:  # a file refused: nothing was kept
        shown = failure(request, error)
        return await _form_page(request, article_id, values=_typed_values(typed),
                                message=shown.message, status=shown.status)

    def body(raw: str) -> str:
        return raw if form.format == "html" else text_to_html(raw)

    cmd = SaveKbArticle(
        (KbTextInput("pl", form.title_pl, body(form.body_pl)),
         KbTextInput("en", form.title_en, body(form.body_en))),
        form.visibility, form.category, tuple(form.vendors.replace(",", " ").split()),
        form.action != "draft", article_id, tuple(file_ids))
    try:
        saved = await portal.call(portal.services.save_kb_article, viewer, cmd)
    except ClicoError as error:
        if file_ids:  # the article was not saved: its files are nobody's
            await portal.call(portal.services.discard_uploads, viewer, file_ids)
        if isinstance(error, NotFound):
            return not_found(request)
        shown = failure(request, error)
        values = attrs.asdict(form)
        if form.format == "html":
            for key in ("body_pl", "body_en"):
                values[key] = portal.services.safe_description(values[key])
        return await _form_page(request, article_id, values=values,
                                errors=field_errors(request, getattr(error, "fields", {}) or {}),
                                message=shown.message, status=shown.status)
    language = reader_language(request)
    return RedirectResponse(f"/kb/{saved.id}-{saved.slug(language)}", status_code=303)


def _id(request: Request) -> str:
    return str(request.path_params.get("article_id", ""))[:64]


@staff_only
async def new_show(request: Request) -> Response:
    return await _form_page(request, None)


@staff_only
async def new_submit(request: Request) -> Response:
    return await _save(request, None)


@staff_only
async def edit_show(request: Request) -> Response:
    return await _form_page(request, _id(request))


@staff_only
async def edit_submit(request: Request) -> Response:
    return await _save(request, _id(request))


@staff_only
async def history(request: Request) -> Response:
    portal = portal_of(request)
    viewer = viewer_of(request)
    try:
        article = await portal.call(portal.services.kb_article, viewer, _id(request))
        versions = await portal.call(portal.services.kb_history, viewer, _id(request))
        changes = await portal.call(portal.services.kb_changes, viewer, _id(request))
    except NotFound:
        return not_found(request)
    return render(request, "kb/history.html", {
        "section": "knowledge", "article": article, "versions": versions,
        "changes": changes,
        "language": reader_language(request)})


@staff_only
async def restore(request: Request) -> Response:
    await read_form(request, EmptyForm)
    portal = portal_of(request)
    raw = str(request.path_params.get("number", ""))[:9]
    try:
        number = int(raw) if raw.isdigit() else 0
        restored = await portal.call(portal.services.restore_kb_version, viewer_of(request),
                                     _id(request), number)
    except NotFound:
        return not_found(request)
    return RedirectResponse(f"/staff/kb/{restored.id}/history?done=restored", status_code=303)


@staff_only
async def unpublish(request: Request) -> Response:
    """``Wycofaj publikację``: the article becomes a draft again (the edit page opens)."""
    await read_form(request, EmptyForm)
    portal = portal_of(request)
    try:
        draft = await portal.call(portal.services.unpublish_kb_article, viewer_of(request),
                                  _id(request))
    except NotFound:
        return not_found(request)
    except ClicoError as error:  # not published (a second click): the page says so
        shown = failure(request, error)
        message = renderer_of(request).gettext(request, "This article is not published.")
        return await _form_page(request, _id(request), message=message,
                                status=shown.status)
    return RedirectResponse(f"/staff/kb/{draft.id}/edit?done=unpublished", status_code=303)


@staff_only
async def from_ticket(request: Request) -> Response:
    """``Utwórz artykuł``: the resolved ticket's answer as a draft, opened for editing."""
    await read_form(request, EmptyForm)
    portal = portal_of(request)
    number = str(request.path_params.get("number", ""))[:32]
    try:
        draft = await portal.call(portal.services.draft_kb_from_ticket, viewer_of(request),
                                  number)
    except NotFound:
        return not_found(request)
    except ClicoError as error:
        shown = failure(request, error)
        return render(request, "errors/error.html",
                      {"status": shown.status, "message": shown.message}, status=shown.status)
    return RedirectResponse(f"/staff/kb/{draft.id}/edit", status_code=303)


@staff_only
async def report(request: Request) -> Response:
    portal = portal_of(request)
    rows = await portal.call(portal.services.kb_deflection_report, viewer_of(request), 30)
    return render(request, "kb/report.html", {"section": "knowledge", "rows": rows,
                                              "language": Language.PL})


routes = [
    form_route("/staff/kb/new", show=new_show, submit=new_submit, name="kb_new"),
    form_route("/staff/kb/{article_id:str}/edit", show=edit_show, submit=edit_submit,
               name="kb_edit"),
    Route("/staff/kb/{article_id:str}/history", history, name="kb_history"),
    Route("/staff/kb/{article_id:str}/restore/{number:str}", restore, methods=["POST"],
          name="kb_restore"),
    Route("/staff/kb/{article_id:str}/unpublish", unpublish, methods=["POST"],
          name="kb_unpublish"),
    Route("/staff/kb/report", report, name="kb_report"),
    Route("/staff/tickets/{number:str}/kb-article", from_ticket, methods=["POST"],
          name="kb_from_ticket"),
]
