"""``/api/v1/tickets``: thin handlers over the ``Services`` facade, in JSON."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from clico_core.api_tokens import ApiScope
from clico_core.attachments import Attachment
from clico_core.errors import ValidationFailed
from clico_core.services import OpenTicket, PostReply, Viewer
from clico_core.services.ticket_conversation import Conversation
from clico_core.ticket_query import encode_cursor, read_query
from clico_core.tickets import TicketDetail

from ..portal import client_address, portal_of
from ..routes.ticket_query import list_params
from .access import operation, read_operation
from .models import (
    ArticleOut,
    ArticlePageOut,
    AssetRefOut,
    AttachmentOut,
    NewTicketIn,
    PostedOut,
    ReplyIn,
    TicketListOut,
    TicketOut,
    TicketRowOut,
)
from .problems import unauthenticated
from .responses import etag, idempotency_key, if_match, json_body, json_response

KINDS = ("administrative", "technical")


def ticket_out(detail: TicketDetail) -> TicketOut:
    t = detail.ticket
    return TicketOut(
        t.number, t.kind.value, t.subject, detail.description, t.status.value,
        t.priority.value, t.relation_type.value, detail.company_name, detail.reporter_name,
        detail.assignee_name, t.created_at, t.modified_at, t.version,
        [AssetRefOut(*asset) for asset in detail.assets], detail.contract_number,
        dict(detail.answers), detail.follows)


def attachment_out(file: Attachment) -> AttachmentOut:
    return AttachmentOut(file.id, file.file_name, file.size, file.media_type)


def _number(request: Request) -> str:
    return str(request.path_params["number"])[:64]


@read_operation
async def list_tickets(request: Request, secret: str) -> Response:
    query = read_query(list_params(request.query_params))
    portal = portal_of(request)
    page = await portal.call(portal.services.list_tickets_for_token, secret, query,
                             client_address(request))
    if page is None:
        return unauthenticated()
    rows = [TicketRowOut(r.number, r.subject, r.status.value, r.priority.value, r.kind.value,
                         r.company_name, r.created_at, r.modified_at, r.assignee_name)
            for r in page.rows]

    def cursor(value: object) -> str | None:
        return None if value is None else encode_cursor(value, query.sort)  # type: ignore[arg-type]

    return json_response(TicketListOut(rows, page.total, page.total_capped,
                                       cursor(page.next_cursor), cursor(page.previous_cursor)))


async def _detail(request: Request, viewer: Viewer, number: str) -> TicketDetail:
    portal = portal_of(request)
    return await portal.call(portal.services.ticket_detail, viewer, number)


async def _ticket_response(request: Request, viewer: Viewer, number: str,
                           status: int = 200) -> Response:
    detail = await _detail(request, viewer, number)
    headers = {"ETag": etag(detail.ticket.version)}
    if status == 201:
        headers["Location"] = f"/api/v1/tickets/{detail.ticket.number}"
    return json_response(ticket_out(detail), status, headers)


@operation(ApiScope.READ)
async def get_ticket(request: Request, viewer: Viewer) -> Response:
    return await _ticket_response(request, viewer, _number(request))


@operation(ApiScope.WRITE)
async def create_ticket(request: Request, viewer: Viewer) -> Response:
    key = idempotency_key(request)
    body = await json_body(request, NewTicketIn)
    if body.kind not in KINDS:
        raise ValidationFailed({"kind": "invalid_choice"})
    command = OpenTicket(body.subject, body.description, body.priority, body.relation_type,
                         body.asset_id, body.answers, body.company_id, key)
    portal = portal_of(request)
    use_case = (portal.services.open_technical_ticket if body.kind == "technical"
                else portal.services.open_administrative_ticket)
    ticket = await portal.call(use_case, viewer, command)
    return await _ticket_response(request, viewer, ticket.number, 201)


def _articles(page: Conversation) -> ArticlePageOut:
    files = {file.id: file for file in page.files}
    items = [ArticleOut(a.id, a.kind.value, a.author_name, a.author_role.value, a.created_at,
                        a.body, [attachment_out(files[i]) for i in a.attachment_ids
                                 if i in files])
             for a in page.articles]
    return ArticlePageOut(page.number, page.status.value, page.version, page.total, items,
                          page.next_cursor)


@operation(ApiScope.READ)
async def list_articles(request: Request, viewer: Viewer) -> Response:
    portal = portal_of(request)
    cursor = request.query_params.get("cursor", "")[:200]
    page = await portal.call(portal.services.conversation, viewer, _number(request), cursor)
    return json_response(_articles(page), headers={"ETag": etag(page.version)})


@operation(ApiScope.WRITE)
async def reply(request: Request, viewer: Viewer) -> Response:
    key = idempotency_key(request)
    expected = if_match(request)
    body = await json_body(request, ReplyIn)
    number = _number(request)
    # the version is compared in the unit of work that writes the reply, never before it
    command = PostReply(number, body.body, body.internal, body.new_status or None,
                        body.reopen, key, tuple(body.attachment_ids[:50]), expected,
                        every_change=expected is not None)
    portal = portal_of(request)
    posted = await portal.call(portal.services.post_reply, viewer, command)
    page = await portal.call(portal.services.conversation, viewer, number)
    files = {f.id: f for f in page.files}
    a = posted.article
    article = ArticleOut(a.id, a.kind.value, a.author_name, a.author_role.value, a.created_at,
                         a.body, [attachment_out(files[i]) for i in a.attachment_ids
                                  if i in files])
    return json_response(PostedOut(article, posted.status.value), 201,
                         {"ETag": etag(page.version)})


@operation(ApiScope.WRITE)
async def close(request: Request, viewer: Viewer) -> Response:
    idempotency_key(request)  # checked like on every POST; closing twice changes nothing
    expected = if_match(request)
    number = _number(request)
    portal = portal_of(request)
    # compared in the unit of work that closes it; a closed ticket stays closed (200)
    await portal.call(portal.services.close_ticket, viewer, number, expected)
    return await _ticket_response(request, viewer, number)
