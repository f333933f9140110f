"""The ticket list's URL: the query string mapped onto the core's ``ListParams``, and the
links a list page makes (sort headers, filters, the keyset pager).

Everything the list shows (filters, sort, page size, position) lives in the URL, so a view
can be bookmarked and shared. The core reads the parameters (``read_query``: unknown or
malformed filters are left out, a cursor that does not decode is ``ValidationFailed``) and
judges the query (``check_query``); this module only maps names and builds links.
"""

from __future__ import annotations

from collections import OrderedDict
from urllib.parse import urlencode

from attrs import frozen
from starlette.datastructures import QueryParams

from clico_core.ticket_query import DEFAULT_PAGE_SIZE, ListParams, encode_cursor, read_query
from clico_core.tickets import (
    DESCENDING_SORTS,
    Cursor,
    SortColumn,
    TicketQuery,
    TicketStatus,
)

# the parameters that make up a view (the cursor is added by the pager only)
VIEW_KEYS = ("q", "status", "priority", "company", "asset", "from", "to", "closed", "sort",
             "dir", "size", "filters")
FILTER_KEYS = ("q", "status", "priority", "company", "asset", "from", "to")


@frozen
class ListView:
    """The list's state as read from the URL, with what the template needs to link to it."""

    query: TicketQuery
    params: tuple[tuple[str, str], ...]  # the normalised view parameters (no cursor)
    filters_open: bool
    path: str = "/tickets"  # the staff queue shares these links at its own path

    def url(self, **changes: str | None) -> str:
        """``/tickets`` with this view's parameters, some replaced (None removes)."""
        kept = [(k, v) for k, v in self.params if k not in changes]
        kept += [(k, v) for k, v in changes.items() if v is not None]
        return f"{self.path}?" + urlencode(kept) if kept else self.path

    def sort_url(self, column: SortColumn) -> str:
        """Clicking a header: same column flips the direction, another starts in its natural
        direction (newest first for the times, nearest first for the due time)."""
        if column is self.query.sort:
            direction = "asc" if self.query.descending else "desc"
        else:
            direction = "desc" if column in DESCENDING_SORTS else "asc"
        return self.url(sort=column.value, dir=direction, cursor=None)

    def clear_filters_url(self) -> str:
        kept = [(k, v) for k, v in self.params
                if k in ("view", "closed", "sort", "dir", "size")]
        return f"{self.path}?" + urlencode(kept) if kept else self.path

    def page_url(self, cursor: Cursor | None) -> str | None:
        if cursor is None:
            return None
        return self.url(cursor=encode_cursor(cursor, self.query.sort))

    def value(self, key: str) -> str:
        return next((v for k, v in self.params if k == key), "")

    def values(self, key: str) -> list[str]:
        return [v for k, v in self.params if k == key]


def list_params(params: QueryParams) -> ListParams:
    """The query string's parameters under the core's names."""
    return ListParams(
        text=params.get("q"), statuses=tuple(params.getlist("status")),
        priority=params.get("priority"), company_id=params.get("company"),
        asset_id=params.get("asset"), modified_from=params.get("from"),
        modified_to=params.get("to"), show_closed=params.get("closed"),
        sort=params.get("sort"), direction=params.get("dir"), page_size=params.get("size"),
        cursor=params.get("cursor"))


# the views of the query strings read last: a view depends on its query string alone
_VIEWS: OrderedDict[bytes, ListView] = OrderedDict()
MAX_VIEWS = 1024


def list_view_of(query_string: bytes) -> ListView:
    """``parse_list_view`` of a raw query string, remembered (the list is reloaded all day
    with the same few links); a query string that does not read raises as there."""
    view = _VIEWS.get(query_string)
    if view is None:
        view = parse_list_view(QueryParams(query_string))
        _VIEWS[query_string] = view
        while len(_VIEWS) > MAX_VIEWS:
            _VIEWS.popitem(last=False)
    return view


def parse_list_view(params: QueryParams) -> ListView:
    """Read the list's URL through the core; a bad cursor is its ``ValidationFailed``."""
    query = read_query(list_params(params))
    normal = normal_params(query)
    filters_open = params.get("filters") == "1" or any(k in FILTER_KEYS for k, _ in normal)
    if params.get("filters") == "1":
        normal.append(("filters", "1"))
    return ListView(query, tuple(normal), filters_open)


def normal_params(query: TicketQuery, default_sort: SortColumn = SortColumn.MODIFIED
                  ) -> list[tuple[str, str]]:
    """The list link's parameters for ``query``, each once, defaults left out (the sort
    when it is ``default_sort`` in its natural direction)."""
    normal: list[tuple[str, str]] = []
    if query.text:
        normal.append(("q", query.text))
    normal += [("status", s.value) for s in TicketStatus if s in query.statuses]
    for key, value in (("priority", query.priority.value if query.priority else None),
                       ("company", query.company_id), ("asset", query.asset_id),
                       ("from", query.modified_from.isoformat() if query.modified_from else None),
                       ("to", query.modified_to.isoformat() if query.modified_to else None),
                       ("closed", "1" if query.show_closed else None)):
        if value:
            normal.append((key, value))
    if query.sort is not default_sort or query.descending != (
            default_sort in DESCENDING_SORTS):
        normal += [("sort", query.sort.value), ("dir", "desc" if query.descending else "asc")]
    if query.page_size != DEFAULT_PAGE_SIZE:
        normal.append(("size", str(query.page_size)))
    return normal
