"""The ticket list's query as a link carries it: one set of limits, the reading of a list
link's parameters into a ``TicketQuery``, the opaque keyset cursor, and the one validator.

Everything a list view shows (filters, sort, page size, position) travels in its link, so a
view can be bookmarked and shared. Reading is lenient: an unknown or malformed filter is left
out, as if it had not been given. A cursor is the exception: a token that is not a cursor of
this portal for this sort is refused, never guessed at. ``check_query`` is the one place a
``TicketQuery`` is judged, whoever built it; the list's use cases call it before reading.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import UTC, date

from attrs import frozen

from .errors import ValidationFailed
from .tickets import (
    DESCENDING_SORTS,
    PAGE_SIZES,
    TIME_SORTS,
    Cursor,
    Priority,
    SortColumn,
    TicketQuery,
    TicketStatus,
    cursor_time,
)
from .values import lookup_text

MAX_TEXT = 200  # the search box
MAX_ID = 64  # the company, asset and engineer filters, and a cursor's row id
MAX_VENDOR = 120  # the staff queue's vendor filter: as long as an asset's vendor may be
MAX_CURSOR_VALUE = 300  # a cursor's sort value: a subject or a company name is at most 200
MAX_STATUS_CHOICES = 10  # status parameters read from a link; any beyond are ignored
DEFAULT_PAGE_SIZE = TicketQuery().page_size
# The longest token ``encode_cursor`` makes for a cursor ``check_query`` accepts: at most 4
# UTF-8 bytes a character (JSON escapes only control characters, which such values lack),
# the JSON frame around them, then base64's 4 characters for every 3 bytes.
_CURSOR_FRAME = 64
MAX_CURSOR_TOKEN = (4 * (MAX_CURSOR_VALUE + MAX_ID) + _CURSOR_FRAME) * 4 // 3 + 4

_STATUSES = {s.value: s for s in TicketStatus}
_PRIORITIES = {p.value: p for p in Priority}
_SORTS = {c.value: c for c in SortColumn}
_PAGE_SIZES = {str(size): size for size in PAGE_SIZES}


@frozen
class ListParams:
    """A list link's parameters as the text the link holds (None: not given)."""

    text: str | None = None
    statuses: Sequence[str] = ()
    priority: str | None = None
    company_id: str | None = None
    asset_id: str | None = None
    modified_from: str | None = None
    modified_to: str | None = None
    show_closed: str | None = None  # "1" shows the closed tickets too
    sort: str | None = None
    direction: str | None = None  # "asc" or "desc"; else the sort's natural direction
    page_size: str | None = None
    cursor: str | None = None  # a token from ``encode_cursor``


def read_query(params: ListParams, default_sort: SortColumn = SortColumn.MODIFIED
               ) -> TicketQuery:
    """The query a list link asks for. Filters that do not read are left out (a sort that
    does not read is ``default_sort``); a cursor that does not decode for the link's sort is
    ``ValidationFailed`` on ``cursor``."""
    sort = _SORTS.get(params.sort or "", default_sort)
    direction = params.direction
    descending = (direction != "asc" if direction in ("asc", "desc")
                  else sort in DESCENDING_SORTS)
    # looked up as text: int() would take "²" for a digit and refuse 5000 digits
    page_size = _PAGE_SIZES.get((params.page_size or "").lstrip("0"), DEFAULT_PAGE_SIZE)
    return TicketQuery(
        statuses=frozenset(_STATUSES[s] for s in params.statuses[:MAX_STATUS_CHOICES]
                           if s in _STATUSES),
        show_closed=params.show_closed == "1",
        priority=_PRIORITIES.get(params.priority or ""),
        company_id=_identifier(params.company_id), asset_id=_identifier(params.asset_id),
        text=_text(params.text), modified_from=_date(params.modified_from),
        modified_to=_date(params.modified_to), sort=sort, descending=descending,
        page_size=page_size,
        cursor=decode_cursor(params.cursor, sort) if params.cursor else None,
    )


def _identifier(raw: str | None) -> str | None:
    if not raw or len(raw) > MAX_ID or not raw.isprintable():
        return None
    return raw


def _text(raw: str | None) -> str:
    if not raw:
        return ""
    return "".join(c for c in raw[:MAX_TEXT] if c.isprintable()).strip()


def _date(raw: str | None) -> date | None:
    if not raw or len(raw) > 10:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def encode_cursor(cursor: Cursor, sort: SortColumn) -> str:
    """The cursor as an opaque, URL-safe token bound to ``sort``."""
    payload = {"s": sort.value, "v": cursor.value, "i": cursor.id, "b": cursor.backwards}
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed({"cursor": "invalid"})


def decode_cursor(token: str, sort: SortColumn) -> Cursor:
    """The cursor ``encode_cursor`` put in ``token`` for ``sort``, or ``ValidationFailed``
    on ``cursor``. Its values are judged with the rest of the query by ``check_query``."""
    if len(token) > MAX_CURSOR_TOKEN:
        raise _bad_cursor()
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        raise _bad_cursor() from None
    if not isinstance(payload, dict) or set(payload) != {"s", "v", "i", "b"}:
        raise _bad_cursor()
    value, ident, backwards = payload["v"], payload["i"], payload["b"]
    if (payload["s"] != sort.value or not isinstance(value, str)
            or not isinstance(ident, str) or not isinstance(backwards, bool)):
        raise _bad_cursor()
    return Cursor(value, ident, backwards)


def _cursor_ok(cursor: Cursor, sort: SortColumn) -> bool:
    """A cursor the adapters can bind: short, no control characters or lone surrogates,
    and a real UTC instant on the time columns."""
    if lookup_text(cursor.id, MAX_ID) is None or len(cursor.value) > MAX_CURSOR_VALUE or (
            cursor.value and lookup_text(cursor.value, MAX_CURSOR_VALUE) is None):
        return False
    if sort in TIME_SORTS:
        try:
            cursor_time(cursor.value).astimezone(UTC)
        except (ValueError, OverflowError):
            return False
    return True


def check_query(query: TicketQuery) -> None:
    """``ValidationFailed`` naming every bad field of a list query (nothing is read)."""
    problems: dict[str, str] = {}
    if query.page_size not in PAGE_SIZES:
        problems["page_size"] = "invalid_choice"
    if len(query.text) > MAX_TEXT:
        problems["text"] = "too_long"
    elif query.text.strip() and lookup_text(query.text, MAX_TEXT) is None:
        problems["text"] = "invalid"
    for name in ("company_id", "asset_id", "assignee_id"):
        value = getattr(query, name)
        if value is not None and lookup_text(value, MAX_ID) is None:
            problems[name] = "invalid"
    if query.vendor is not None and lookup_text(query.vendor, MAX_VENDOR) is None:
        problems["vendor"] = "invalid"
    if query.modified_from and query.modified_to and query.modified_from > query.modified_to:
        problems["modified_to"] = "before_from"
    for name in ("modified_from", "modified_to"):  # a whole day must fit in a datetime
        day = getattr(query, name)
        if day is not None and not date.min < day < date.max:
            problems[name] = "invalid"
    if query.cursor is not None and not _cursor_ok(query.cursor, query.sort):
        problems["cursor"] = "invalid"
    if problems:
        raise ValidationFailed(problems)
