"""The API's operations as one table: the routes are made from it, and so is the OpenAPI
document (``openapi.py``), so neither can list what the other does not.

Each operation names the statuses it answers: its success, the access checks' (401, 403 for
a write, 429: ``access.py``) and its own ``errors``, which are what its handler and use case
can raise (``problems.py`` turns a core error into its status). The document lists exactly
those, and ``tests/integration/test_api_statuses.py`` reaches every one of them."""

from __future__ import annotations

from attrs import frozen

from clico_core.api_tokens import ApiScope

from . import kb, resources, tickets
from .access import Handler
from .models import (
    AccountOut,
    ArticlePageOut,
    AssetDetailOut,
    AssetListOut,
    AttachmentOut,
    ContractListOut,
    KbSearchOut,
    NewTicketIn,
    PostedOut,
    ReplyIn,
    TicketListOut,
    TicketOut,
)


@frozen
class Param:
    name: str
    where: str  # "query", "path" or "header"
    description: str
    example: str = ""
    repeated: bool = False
    required: bool = False


@frozen
class Operation:
    method: str
    path: str  # under /api/v1
    name: str  # the operationId
    handler: Handler
    summary: str
    response: type | None  # None: a file
    status: int = 200
    request: type | None = None
    upload: bool = False  # the body is a file
    params: tuple[Param, ...] = ()
    errors: tuple[int, ...] = ()  # beyond the access checks' (see ``statuses``)

    @property
    def scope(self) -> ApiScope:
        scope: ApiScope = self.handler.api_scope  # type: ignore[attr-defined]
        return scope

    @property
    def statuses(self) -> tuple[int, ...]:
        """Every status the operation answers, in order: its success, 401 (no valid
        token), 403 (a read token on a write), 429 (over the rate limit) and ``errors``."""
        access = {401, 429} | ({403} if self.scope is ApiScope.WRITE else set())
        return tuple(sorted({self.status, *access, *self.errors}))


NUMBER = Param("number", "path", "The ticket's number.", "T-2026-000001", required=True)
IF_MATCH = Param("If-Match", "header", "The ETag of the ticket as read; a stale one is 412.",
                 '"v1"')
IDEMPOTENCY = Param("Idempotency-Key", "header",
                    "A key of the client's choosing: a repeated POST with it does the work "
                    "once and answers the same.", "6f1c2a7e-2b0e-4a8e-9d7a-1f0c3b5e8a90")
LIST = (
    Param("q", "query", "Text in the subject, number or description.", "VPN"),
    Param("status", "query", "A status (repeat for several); default every open one.",
          "new", repeated=True),
    Param("priority", "query", "low, normal, high or critical.", "high"),
    Param("company", "query", "A company's id (staff, or customers of several).", "c1"),
    Param("asset", "query", "An asset's id.", "a1"),
    Param("from", "query", "Modified on or after (ISO date).", "2026-11-01"),
    Param("to", "query", "Modified on or before (ISO date).", "2026-11-30"),
    Param("closed", "query", "1: closed tickets too.", "1"),
    Param("sort", "query", "modified, created, number, subject, company or status.",
          "modified"),
    Param("dir", "query", "asc or desc.", "desc"),
    Param("size", "query", "Page size: 10, 25, 50 or 100.", "25"),
    Param("cursor", "query", "next_cursor or previous_cursor of the page before.", ""),
)

OPERATIONS = (
    Operation("GET", "/me", "getAccount", resources.me, "The caller's account.", AccountOut),
    Operation("GET", "/tickets", "listTickets", tickets.list_tickets,
              "Tickets the caller may see: the web list's filters, sort and keyset pages.",
              TicketListOut, params=LIST, errors=(422,)),
    Operation("POST", "/tickets", "createTicket", tickets.create_ticket,
              "Open an administrative or a technical ticket (with the vendor's questions "
              "answered).", TicketOut, 201, NewTicketIn, params=(IDEMPOTENCY,),
              errors=(400, 422)),
    Operation("GET", "/tickets/{number}", "getTicket", tickets.get_ticket,
              "One ticket; its ETag is its version.", TicketOut, params=(NUMBER,),
              errors=(404,)),
    Operation("GET", "/tickets/{number}/articles", "listArticles", tickets.list_articles,
              "The conversation, oldest first (internal notes only for staff).",
              ArticlePageOut, params=(NUMBER, Param("cursor", "query", "next_cursor.", "")),
              errors=(404, 422)),
    Operation("POST", "/tickets/{number}/replies", "replyToTicket", tickets.reply,
              "Reply (staff: or an internal note), optionally with files and a new status.",
              PostedOut, 201, ReplyIn, params=(NUMBER, IF_MATCH, IDEMPOTENCY),
              errors=(404, 409, 412, 413, 422)),
    Operation("POST", "/tickets/{number}/close", "closeTicket", tickets.close,
              "Close the ticket.", TicketOut, params=(NUMBER, IF_MATCH, IDEMPOTENCY),
              errors=(404, 412, 422)),
    Operation("POST", "/attachments", "uploadAttachment", resources.upload,
              "Upload a file (the body) for a later reply's attachment_ids.", AttachmentOut,
              201, upload=True,
              params=(Param("name", "query", "The file name.", "log.txt", required=True),
                      IDEMPOTENCY), errors=(413, 415, 422)),
    Operation("GET", "/attachments/{attachment_id}", "downloadAttachment",
              resources.download, "Download a file the caller may see.", None,
              params=(Param("attachment_id", "path", "The attachment's id.", "f1",
                            required=True),), errors=(404,)),
    Operation("GET", "/assets", "listAssets", resources.list_assets,
              "Assets under support for the caller today.", AssetListOut,
              params=(Param("category", "query", "A category.", "PALO_ALTO"),
                      Param("page", "query", "Page number from 1.", "1"),
                      Param("size", "query", "Page size up to 100.", "25")), errors=(422,)),
    Operation("GET", "/assets/{asset_id}", "getAsset", resources.get_asset,
              "An asset with its contract and the vendor's questions.", AssetDetailOut,
              params=(Param("asset_id", "path", "The asset's id.", "a1", required=True),),
              errors=(404,)),
    Operation("GET", "/contracts", "listContracts", resources.list_contracts,
              "Contracts: staff every company's, a customer its companies' (never a "
              "revoked one it did not activate itself).", ContractListOut,
              params=(Param("company", "query", "A company's id.", "c1"),
                      Param("page", "query", "Page number from 1.", "1"),
                      Param("size", "query", "Page size up to 100.", "25")), errors=(422,)),
    Operation("GET", "/kb/search", "searchKnowledgeBase", kb.search,
              "Baza Wiedzy: articles the caller may read that match the words, best first "
              "(a customer's token: public and customers' articles; staff: internal too).",
              KbSearchOut,
              params=(Param("q", "query", "The words; \"quoted words\" a phrase, the last "
                            "word also a prefix.", "vpn tunnel", required=True),
                      Param("lang", "query", "pl or en (default: the account's language).",
                            "en"),
                      Param("vendor", "query", "Only articles tagged with this vendor.",
                            "PALO_ALTO"),
                      Param("category", "query", "Only articles of this category.", "VPN"),
                      Param("size", "query", "Page size up to 50.", "20"),
                      Param("cursor", "query", "next_cursor of the page before.", "")),
              errors=(422,)),
)
