"""A ticket's page: its details, the conversation (oldest first, keyset pages) and the reply
form; posting a reply or an internal note, and a customer closing the ticket.

The core decides everything (who sees notes, which statuses may be set, closed tickets);
the handlers render its answers and keep what was typed whenever a reply is refused.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

import attrs
from attrs import frozen
from babel.dates import format_date, format_datetime
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clico_core.articles import Article, ArticleKind, AuthorRole
from clico_core.attachments import Attachment
from clico_core.errors import ClicoError, NotFound, StaleTicket, TicketClosed, ValidationFailed
from clico_core.questionnaires import YES, QuestionKind
from clico_core.services import PostReply
from clico_core.tickets import Priority, TicketDetail

from ..attachments.download import attachment_response
from ..attachments.upload import receive_attachments
from ..forms import BadForm, read_form
from ..portal import portal_of
from ..rendering import PORTAL_ZONE, failure, render, renderer_of
from ..security.csrf import CSRF_FIELD
from ..sessions import signed_in, viewer_of
from .staff_ticket import staff_tools
from .ticket_form import MAX_DESCRIPTION_CHARS, text_to_html
from .ticket_history import history_rows
from .ticket_labels import PRIORITY_LABELS, RELATION_LABELS, field_errors
from .ticket_stale import stale_message

MAX_NUMBER_CHARS = 32
MAX_CURSOR_CHARS = 200
ROLE_LABELS = {AuthorRole.CUSTOMER.value: "Customer", AuthorRole.STAFF.value: "CLICO engineer"}


def _optional(max_length: int, default: str = "") -> Any:
    """A form field that may be left out (an unticked checkbox, the default status)."""
    return attrs.field(default=default, metadata={"max_length": max_length})


@frozen
class ReplyForm:
    body: str = _optional(MAX_DESCRIPTION_CHARS)
    format: str = _optional(8, "text")
    idempotency_key: str = _optional(200)
    internal: str = _optional(8)
    new_status: str = _optional(32)
    reopen: str = _optional(8)
    version: str = _optional(20)  # the ticket's version the form was rendered from


def _number(request: Request) -> str:
    number: str = request.path_params["number"][:MAX_NUMBER_CHARS]
    if not number.isprintable():
        raise NotFound()
    return number


def _local_date(raw: str, language: str) -> str:
    try:
        return format_date(date.fromisoformat(raw), "medium", locale=language)
    except ValueError:
        return raw


def _answers(detail: TicketDetail, language: str) -> list[tuple[str, str, str]]:
    """(question, kind, answer as shown) for each question of the ticket's questionnaire."""
    if detail.questionnaire is None:
        return []
    answers = []
    for question in detail.questionnaire.questions:
        raw = detail.answers.get(question.id, "")
        shown = raw
        if question.kind is QuestionKind.CHOICE:
            shown = question.choice_label(raw, language)
        elif question.kind is QuestionKind.YES_NO:
            shown = "yes" if raw == YES else "no"
        elif question.kind is QuestionKind.DATE:
            shown = _local_date(raw, language)
        answers.append((question.label(language), question.kind.value, shown))
    return answers


def _shown(article: Article, language: str, files: list[Attachment]) -> dict[str, Any]:
    return {"id": article.id, "author": article.author_name, "files": files,
            "role": ROLE_LABELS[article.author_role.value],
            "time": format_datetime(article.created_at, "medium", tzinfo=PORTAL_ZONE,
                                    locale=language),
            "internal": not article.kind.public,
            # sanitised by the core when it was posted, so it may be trusted as markup
            "body": Markup(article.body)}  # noqa: S704


def bad_link(request: Request) -> Response:
    """The 400 of a page link whose cursor is not one of ours."""
    text = renderer_of(request).gettext(
        request, "This page link is invalid or outdated. Open the list again.")
    return render(request, "errors/error.html", {"status": 400, "message": text}, status=400)


def _not_found(request: Request) -> Response:
    return render(request, "errors/error.html", {
        "status": 404, "message": renderer_of(request).gettext(request, "Page not found.")},
        status=404)


async def _page(request: Request, number: str, *, values: dict[str, str] | None = None,
                errors: dict[str, str] | None = None, message: str = "",
                closed: TicketClosed | None = None, status: int = 200) -> Response:
    portal = portal_of(request)
    viewer = viewer_of(request)
    cursor = request.query_params.get("after", "")[:MAX_CURSOR_CHARS] if status == 200 else ""
    try:
        detail = await portal.call(portal.services.ticket_detail, viewer, number)
        thread = await portal.call(portal.services.conversation, viewer, number, cursor)
        staff = viewer.account.is_staff  # customers never see (nor ask for) the history
        recent = (await portal.call(portal.services.recent_history, viewer, number)
                  if staff else None)
    except NotFound:
        return _not_found(request)
    except ValidationFailed:  # a cursor that is not one of ours
        return bad_link(request)
    staff = viewer.account.is_staff
    engineers = await portal.call(portal.services.engineers, viewer) if staff else []
    language = renderer_of(request).language(request)
    values = dict(values or {})
    tools = await staff_tools(request, number, values) if viewer.account.is_staff else None
    values.setdefault("idempotency_key", secrets.token_urlsafe(18))
    values.setdefault("format", "text")
    return render(request, "tickets/detail.html", {
        "section": "tickets", "detail": detail, "ticket": detail.ticket,
        "answers": _answers(detail, language),
        # sanitised by the core's ticket_detail, so it may be trusted as markup
        "description": Markup(detail.description),  # noqa: S704
        "priority_labels": PRIORITY_LABELS, "relation_labels": RELATION_LABELS,
        "thread": thread, "articles": [
            _shown(a, language, [f for f in thread.files if f.owner_id == a.id])
            for a in thread.articles
                     # the description has a section of its own above the thread
                     if a.kind is not ArticleKind.DESCRIPTION],
        "cursor": cursor, "values": values, "errors": errors or {}, "message": message,
        "closed": closed, "staff": staff, "tools": tools,
        "history": history_rows(request, list(recent.entries)) if recent else [],
        "earlier_history": bool(recent and recent.more),
        "engineers": engineers, "priorities": list(Priority),
    }, status=status)


@signed_in
async def ticket_page(request: Request) -> Response:
    try:
        number = _number(request)
    except NotFound:
        return _not_found(request)
    return await _page(request, number)


def _kept(request: Request, form: ReplyForm) -> dict[str, str]:
    """What the re-rendered form shows: everything typed, the body made safe."""
    body = form.body
    if form.format == "html":
        body = portal_of(request).services.safe_description(form.body)
    return {"body": body, "format": form.format, "idempotency_key": form.idempotency_key,
            "internal": form.internal, "new_status": form.new_status}


def _fields(pairs: tuple[tuple[str, str], ...]) -> ReplyForm:
    """The text fields of an upload form as a ``ReplyForm``, by ``read_form``'s rules."""
    data: dict[str, str] = {}
    limits = {f.name: f.metadata["max_length"] for f in attrs.fields(ReplyForm)}
    for key, value in pairs:
        if key == CSRF_FIELD:
            continue
        if key not in limits or key in data or len(value) > limits[key] or "\x00" in value:
            raise BadForm()
        data[key] = value
    return ReplyForm(**data)


def _typed(request: Request, typed: list[tuple[str, str]]) -> dict[str, str] | None:
    """What a form refused part-way shows again: the fields read before it stopped."""
    try:
        return _kept(request, _fields(tuple(typed)))
    except BadForm:
        return None


async def _read_reply(request: Request, typed: list[tuple[str, str]]
                      ) -> tuple[ReplyForm, list[str]]:
    """The form and the ids of its files, stored as the viewer's unlinked uploads (the
    reply form is multipart; a form without files may come url-encoded). ``typed`` gets
    the text fields as they are read, for a form refused part-way."""
    if not request.headers.get("content-type", "").startswith("multipart/"):
        return await read_form(request, ReplyForm), []
    portal = portal_of(request)
    uploaded = await receive_attachments(request, portal.services, viewer_of(request), typed)
    ids = [a.id for a in uploaded.files]
    try:
        return _fields(uploaded.fields), ids
    except BadForm:
        await portal.call(portal.services.discard_uploads, viewer_of(request), ids)
        raise


@signed_in
async def post_reply(request: Request) -> Response:
    try:
        number = _number(request)
    except NotFound:
        return _not_found(request)
    typed: list[tuple[str, str]] = []
    try:
        form, file_ids = await _read_reply(request, typed)
    except ClicoError as error:  # a file refused (too large, a program): no file was kept,
        shown = failure(request, error)  # the text typed before the files is shown again
        return await _page(request, number, values=_typed(request, typed),
                           message=shown.message, status=shown.status)
    body = form.body if form.format == "html" else text_to_html(form.body)
    command = PostReply(number, body, internal=bool(form.internal),
                        new_status=form.new_status or None, reopen=bool(form.reopen),
                        idempotency_key=form.idempotency_key or None,
                        attachment_ids=tuple(file_ids),
                        expected_version=int(form.version) if form.version.isdecimal()
                        else None)
    portal = portal_of(request)
    viewer = viewer_of(request)
    try:
        posted = await portal.call(portal.services.post_reply, viewer, command)
    except ClicoError as error:
        if file_ids:  # the article was not written: its files are nobody's
            await portal.call(portal.services.discard_uploads, viewer, file_ids)
        return await _refused(request, number, form, error)
    # a double click's second form: the first article answered, these files are nobody's
    leftover = [i for i in file_ids if i not in posted.article.attachment_ids]
    if leftover:
        await portal.call(portal.services.discard_uploads, viewer, leftover)
    return RedirectResponse(f"/tickets/{number}#reply", status_code=303)


async def _refused(request: Request, number: str, form: ReplyForm,
                   error: ClicoError) -> Response:
    """The page again with the core's reasons and the typed text."""
    if isinstance(error, NotFound):
        return _not_found(request)
    if isinstance(error, TicketClosed):
        shown = failure(request, error)
        return await _page(request, number, values=_kept(request, form), closed=error,
                           message=shown.message, status=shown.status)
    shown = failure(request, error)
    if isinstance(error, StaleTicket):  # the page shows the new state; the text is kept
        return await _page(request, number, values=_kept(request, form),
                           message=stale_message(request, error), status=shown.status)
    fields = getattr(error, "fields", None) or {}
    values = _kept(request, form)
    if "idempotency_key" in fields:  # a tampered key: the form gets a new one
        values.pop("idempotency_key")
    return await _page(request, number, values=values, message=shown.message,
                       errors=field_errors(request, fields), status=shown.status)


@signed_in
async def close_ticket(request: Request) -> Response:
    try:
        number = _number(request)
    except NotFound:
        return _not_found(request)
    await read_form(request, CloseForm)
    portal = portal_of(request)
    try:
        await portal.call(portal.services.close_ticket, viewer_of(request), number)
    except NotFound:
        return _not_found(request)
    except ClicoError as error:
        shown = failure(request, error)
        return await _page(request, number, message=shown.message, status=shown.status)
    return RedirectResponse(f"/tickets/{number}", status_code=303)


@signed_in
async def download(request: Request) -> Response:
    """A file of the thread, if the viewer may see its article (``attachment_visible``)."""
    attachment_id = request.path_params["attachment_id"][:64]
    portal = portal_of(request)
    try:
        found = await portal.call(portal.services.attachment_for_download,
                                  viewer_of(request), attachment_id)
    except NotFound:
        return _not_found(request)
    return attachment_response(request, found, inline=request.query_params.get("inline") == "1")


@frozen
class CloseForm:
    """The close button posts nothing but its CSRF token."""


routes = [
    Route("/tickets/{number}", ticket_page, name="ticket"),
    Route("/tickets/{number}/reply", post_reply, methods=["POST"], name="ticket_reply"),
    Route("/tickets/{number}/close", close_ticket, methods=["POST"], name="ticket_close"),
    Route("/tickets/{number}/attachments/{attachment_id}", download,
          name="ticket_attachment"),
]
