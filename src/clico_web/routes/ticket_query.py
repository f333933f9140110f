"""The ticket list's URL: query string ↔ ``TicketQuery``, and the opaque keyset cursor.

Everything the list shows (filters, sort, page size, position) lives in the URL, so a view
can be bookmarked and shared. Unknown or malformed filter values are ignored; a cursor that
does not decode is refused (``BadCursor``), never passed on to the database.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime
from urllib.parse import urlencode

from attrs import evolve, frozen
from starlette.datastructures import QueryParams

from clico_core.tickets import (
    PAGE_SIZES,
    Cursor,
    Priority,
    SortColumn,
    TicketQuery,
    TicketStatus,
)

DEFAULT_PAGE_SIZE = 25
MAX_TEXT = 200
MAX_ID = 64
MAX_CURSOR_CHARS = 700
MAX_CURSOR_VALUE = 300
DATE_COLUMNS = (SortColumn.MODIFIED, SortColumn.CREATED)
# the parameters that make up a view (the cursor is added by the pager only)
VIEW_KEYS = ("q", "status", "priority", "company", "asset", "from", "to", "closed", "sort",
             "dir", "size", "filters")


class BadCursor(ValueError):
    """The ``cursor`` parameter is not one this portal produced for this sort."""


def encode_cursor(cursor: Cursor, sort: SortColumn) -> str:
    payload = {"s": sort.value, "v": cursor.value, "i": cursor.id, "b": cursor.backwards}
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _clean_text(value: object, limit: int) -> str:
    # Subjects and company names may hold any text; only what a database cannot store
    # (NUL, lone surrogates from "\ud800" escapes) or cannot have produced is refused.
    if not isinstance(value, str) or len(value) > limit or "\x00" in value:
        raise BadCursor()
    try:
        value.encode()
    except UnicodeEncodeError:
        raise BadCursor() from None
    return value


def decode_cursor(token: str, sort: SortColumn) -> Cursor:
    """The cursor in ``token``, checked field by field, or ``BadCursor``."""
    if len(token) > MAX_CURSOR_CHARS:
        raise BadCursor()
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        raise BadCursor() from None
    if not isinstance(payload, dict) or set(payload) != {"s", "v", "i", "b"}:
        raise BadCursor()
    if payload["s"] != sort.value or not isinstance(payload["b"], bool):
        raise BadCursor()
    value = _clean_text(payload["v"], MAX_CURSOR_VALUE)
    ident = _clean_text(payload["i"], MAX_ID)
    if sort in DATE_COLUMNS:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise BadCursor() from None
        if moment.tzinfo is None:
            raise BadCursor()
    return Cursor(value, ident, payload["b"])


def _date(raw: str | None) -> date | None:
    if not raw or len(raw) > 10:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _identifier(raw: str | None) -> str | None:
    if not raw or len(raw) > MAX_ID or not raw.isprintable():
        return None
    return raw


def _text(raw: str | None) -> str:
    if not raw:
        return ""
    return "".join(c for c in raw[:MAX_TEXT] if c.isprintable()).strip()


@frozen
class ListView:
    """The list's state as read from the URL, with what the template needs to link to it."""

    query: TicketQuery
    params: tuple[tuple[str, str], ...]  # the normalised view parameters (no cursor)
    filters_open: bool

    def url(self, **changes: str | None) -> str:
        """``/tickets`` with this view's parameters, some replaced (None removes)."""
        kept = [(k, v) for k, v in self.params if k not in changes]
        kept += [(k, v) for k, v in changes.items() if v is not None]
        return "/tickets?" + urlencode(kept) if kept else "/tickets"

    def sort_url(self, column: SortColumn) -> str:
        """Clicking a header: same column flips the direction, another starts descending."""
        if column is self.query.sort:
            direction = "asc" if self.query.descending else "desc"
        else:
            direction = "desc" if column in DATE_COLUMNS else "asc"
        return self.url(sort=column.value, dir=direction, cursor=None)

    def clear_filters_url(self) -> str:
        kept = [(k, v) for k, v in self.params if k in ("closed", "sort", "dir", "size")]
        return "/tickets?" + urlencode(kept) if kept else "/tickets"

    def page_url(self, cursor: Cursor | None) -> str | None:
        if cursor is None:
            return None
        return self.url(cursor=encode_cursor(cursor, self.query.sort))

    def value(self, key: str) -> str:
        return next((v for k, v in self.params if k == key), "")

    def values(self, key: str) -> list[str]:
        return [v for k, v in self.params if k == key]


def parse_list_view(params: QueryParams) -> ListView:
    """Read the list's URL; bad values fall back to defaults, a bad cursor is ``BadCursor``."""
    statuses = frozenset(TicketStatus(s) for s in params.getlist("status")[:10]
                         if s in set(TicketStatus))
    priority_raw = params.get("priority")
    priority = Priority(priority_raw) if priority_raw in set(Priority) else None
    sort_raw = params.get("sort")
    sort = SortColumn(sort_raw) if sort_raw in set(SortColumn) else SortColumn.MODIFIED
    direction = params.get("dir")
    descending = direction != "asc" if direction in ("asc", "desc") else sort in DATE_COLUMNS
    size_raw = params.get("size", "")
    size = int(size_raw) if size_raw.isascii() and size_raw.isdigit() \
        and int(size_raw) in PAGE_SIZES \
        else DEFAULT_PAGE_SIZE
    query = TicketQuery(
        statuses=statuses, show_closed=params.get("closed") == "1", priority=priority,
        company_id=_identifier(params.get("company")), asset_id=_identifier(params.get("asset")),
        text=_text(params.get("q")), modified_from=_date(params.get("from")),
        modified_to=_date(params.get("to")), sort=sort, descending=descending, page_size=size,
    )
    cursor_raw = params.get("cursor")
    if cursor_raw:
        query = evolve(query, cursor=decode_cursor(cursor_raw, sort))
    normal: list[tuple[str, str]] = []
    if query.text:
        normal.append(("q", query.text))
    normal += [("status", s.value) for s in TicketStatus if s in statuses]
    for key, value in (("priority", priority.value if priority else None),
                       ("company", query.company_id), ("asset", query.asset_id),
                       ("from", query.modified_from.isoformat() if query.modified_from else None),
                       ("to", query.modified_to.isoformat() if query.modified_to else None),
                       ("closed", "1" if query.show_closed else None)):
        if value:
            normal.append((key, value))
    if sort is not SortColumn.MODIFIED or not descending:
        normal += [("sort", sort.value), ("dir", "desc" if descending else "asc")]
    if size != DEFAULT_PAGE_SIZE:
        normal.append(("size", str(size)))
    filters_open = params.get("filters") == "1" or any(
        k in ("q", "status", "priority", "company", "asset", "from", "to") for k, _ in normal)
    if params.get("filters") == "1":
        normal.append(("filters", "1"))
    return ListView(query, tuple(normal), filters_open)
