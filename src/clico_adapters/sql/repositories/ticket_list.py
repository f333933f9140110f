"""The ticket list, the portal's hot path: filters, keyset paging and a capped count.

Keyset paging compares row values, ``(sort_col, id) < (:value, :id)``, which both engines
turn into one index range; the ``a < x OR (a = x AND b < y)`` spelling does not, and
``OFFSET`` reads every skipped row. The count stops at ``COUNT_CAP + 1`` rows and comes
back on the page's rows, so a page is one statement.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

from attrs import evolve
from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    FromClause,
    Select,
    bindparam,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
)

from clico_core.tickets import (
    COUNT_CAP,
    OPEN_STATUSES,
    Cursor,
    Priority,
    SortColumn,
    TicketKind,
    TicketPage,
    TicketQuery,
    TicketRow,
    TicketScope,
    TicketStatus,
    cursor_sort_value,
    sort_key_of,
)

from ..engine import PLAN_EACH_TIME
from ..tables import accounts, assets, companies, ticket_assets, tickets

if TYPE_CHECKING:
    from ..uow import SqlUnitOfWork

_COMPANY_NAME = func.coalesce(companies.c.name, "")
_SORT: dict[SortColumn, ColumnElement[Any]] = {
    SortColumn.NUMBER: tickets.c.number,
    SortColumn.SUBJECT: tickets.c.subject,
    SortColumn.MODIFIED: tickets.c.modified_at,
    SortColumn.COMPANY: _COMPANY_NAME,
    SortColumn.CREATED: tickets.c.created_at,
    SortColumn.STATUS: tickets.c.status,
    SortColumn.DUE: tickets.c.sla_order,  # tickets.due_order: never NULL
}
_WITH_COMPANY: FromClause = tickets.outerjoin(companies, companies.c.id == tickets.c.company_id)


def _row_columns(company_name: ColumnElement[Any]) -> tuple[ColumnElement[Any], ...]:
    return (tickets.c.id, tickets.c.number, tickets.c.subject, tickets.c.modified_at,
            tickets.c.created_at, company_name.label("company_name"), tickets.c.status,
            tickets.c.priority, tickets.c.kind, tickets.c.sla_due, tickets.c.sla_warning_at)


_ROW_COLUMNS = _row_columns(_COMPANY_NAME)
# Staff (the queue) see every company's tickets and who handles each (``Przypisany``). The
# two names are looked up per row of the page by key (correlated scalar subqueries), not
# joined: a join lets PostgreSQL pick hash joins where it expects few rows (a queue's last
# page), which do not keep the index's order, and sort again; a lookup per row keeps the
# page in index order on both engines. Aliases, so that a page sorted by company (which
# joins ``companies`` for its ORDER BY) does not correlate the lookup with that join.
_NAMED_COMPANY = companies.alias("named_company")
_ASSIGNEE = accounts.alias("assignee")
_COMPANY_LOOKUP = func.coalesce(
    select(_NAMED_COMPANY.c.name).where(_NAMED_COMPANY.c.id == tickets.c.company_id)
    .correlate(tickets).scalar_subquery(), "")
_ASSIGNEE_LOOKUP = func.coalesce(
    select(func.trim(func.coalesce(_ASSIGNEE.c.first_name, "") + " "
                     + func.coalesce(_ASSIGNEE.c.last_name, "")))
    .where(_ASSIGNEE.c.id == tickets.c.assignee_id).correlate(tickets).scalar_subquery(), "")
_STAFF_ROW_COLUMNS = (*_row_columns(_COMPANY_LOOKUP), _ASSIGNEE_LOOKUP.label("assignee_name"))


def _columns(scope: TicketScope) -> tuple[Any, ...]:
    return _STAFF_ROW_COLUMNS if scope.everything else _ROW_COLUMNS


def like_pattern(text: str) -> str:
    """``%text%`` for ``LIKE … ESCAPE '/'``: the user's ``%``, ``_`` and ``/`` match themselves."""
    return "%" + text.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def parameters(scope: TicketScope, query: TicketQuery) -> dict[str, Any]:
    """The values of the named parameters ``filters`` and ``_keyset`` bind: what differs
    between two requests whose statements are otherwise the same (``_shape``)."""
    values: dict[str, Any] = {}
    if not scope.everything and scope.company_ids:
        values.update({f"scope_{i}": c for i, c in enumerate(sorted(scope.company_ids))})
    elif not scope.everything:
        values["reporter"] = scope.reporter_id or ""
    if query.company_id is not None:
        values["company"] = query.company_id
    if query.asset_id is not None:
        values["asset"] = query.asset_id
    if query.assignee_id is not None:
        values["assignee"] = query.assignee_id
    if query.vendor is not None:
        values["vendor"] = query.vendor
    if query.created_before is not None:
        values["created_before"] = query.created_before
    text = query.text.strip().casefold()
    if text:
        values["text"] = like_pattern(text)
    since, before = query.modified_bounds()
    if since is not None:
        values["modified_from"] = since
    if before is not None:
        values["modified_to"] = before
    if query.cursor is not None:
        values["pivot_value"] = cursor_sort_value(query.sort, query.cursor.value)
        values["pivot_id"] = query.cursor.id
    return values


def _bound(values: dict[str, Any], name: str, column: ColumnElement[Any]) -> Any:
    return bindparam(name, values[name], type_=column.type)


def filters(scope: TicketScope, query: TicketQuery, dialect: str = "postgresql"
            ) -> list[ColumnElement[bool]]:
    """Everything but the cursor: what the viewer may see and asked for."""
    values = parameters(scope, query)
    conditions: list[ColumnElement[bool]] = []
    if not scope.everything and scope.company_ids:
        # "= :v" rather than "IN (:v)" keeps the plan obvious to both planners
        scoped = [_bound(values, f"scope_{i}", tickets.c.company_id)
                  for i in range(len(scope.company_ids))]
        conditions.append(tickets.c.company_id == scoped[0] if len(scoped) == 1
                          else tickets.c.company_id.in_(scoped))
    elif not scope.everything:  # no active contract: only the viewer's own tickets
        conditions.append(tickets.c.reporter_id == _bound(values, "reporter",
                                                          tickets.c.reporter_id))
    wanted = query.wanted_statuses()
    statuses = sorted(s.value for s in wanted)
    if wanted == OPEN_STATUSES:
        # the same rows as "IN (every status but closed)", spelt as the predicate of the
        # partial indexes (ticket_indexes.OPEN_TICKET_INDEXES) so that both planners use them: with
        # a bound parameter instead of the literal, SQLite would not
        conditions.append(tickets.c.status != literal_column(f"'{TicketStatus.CLOSED.value}'"))
    elif len(statuses) == 1:
        conditions.append(tickets.c.status == statuses[0])
    elif len(statuses) < len(TicketStatus):
        # Several statuses match most rows. Without fresh statistics SQLite would still
        # search the status index and sort; "status || ''" keeps it on the sort's index.
        status = tickets.c.status + "" if dialect == "sqlite" else tickets.c.status
        conditions.append(status.in_(statuses))
    if query.priority is not None:
        conditions.append(tickets.c.priority == query.priority.value)
    if query.company_id is not None:
        conditions.append(tickets.c.company_id == _bound(values, "company",
                                                         tickets.c.company_id))
    if query.asset_id is not None:
        conditions.append(exists().where(
            ticket_assets.c.ticket_id == tickets.c.id,
            ticket_assets.c.asset_id == _bound(values, "asset", ticket_assets.c.asset_id)))
    conditions += _queue_filters(query, values)
    if "text" in values:
        # numbers are ASCII, so lower() equals casefold(); the subject is folded in Python
        pattern = _bound(values, "text", tickets.c.subject_folded)
        conditions.append(or_(func.lower(tickets.c.number).like(pattern, escape="/"),
                              tickets.c.subject_folded.like(pattern, escape="/")))
    if query.modified_from is not None:
        conditions.append(tickets.c.modified_at >= _bound(values, "modified_from",
                                                          tickets.c.modified_at))
    if query.modified_to is not None:
        conditions.append(tickets.c.modified_at < _bound(values, "modified_to",
                                                         tickets.c.modified_at))
    return conditions


def _queue_filters(query: TicketQuery, values: dict[str, Any]) -> list[ColumnElement[bool]]:
    """The staff queue's: an engineer (ix_tickets_assignee_open_modified), nobody
    (ix_tickets_unassigned_open_modified: "IS NULL" as the partial index spells it), a
    vendor of the ticket's assets, created before a moment (the age)."""
    conditions: list[ColumnElement[bool]] = []
    if query.assignee_id is not None:
        conditions.append(tickets.c.assignee_id == _bound(values, "assignee",
                                                          tickets.c.assignee_id))
    if query.unassigned:
        conditions.append(tickets.c.assignee_id.is_(None))
    if query.vendor is not None:
        conditions.append(exists().where(
            ticket_assets.c.ticket_id == tickets.c.id, assets.c.id == ticket_assets.c.asset_id,
            func.lower(assets.c.vendor) == _bound(values, "vendor", assets.c.vendor)))
    if query.created_before is not None:
        conditions.append(tickets.c.created_at < _bound(values, "created_before",
                                                        tickets.c.created_at))
    return conditions


def _keyset(sort: ColumnElement[Any], cursor: Cursor, column: SortColumn, op: str
            ) -> ColumnElement[bool]:
    pivot = tuple_(bindparam("pivot_value", cursor_sort_value(column, cursor.value),
                             type_=sort.type),
                   bindparam("pivot_id", cursor.id, type_=tickets.c.id.type))
    row = tuple_(sort, tickets.c.id)
    comparisons = {"<": row.__lt__, ">": row.__gt__, "<=": row.__le__, ">=": row.__ge__}
    return comparisons[op](pivot)


# sorts every scope has an index for (ending in id): walking them in order is cheap
_INDEXED_SORTS = frozenset({SortColumn.MODIFIED, SortColumn.CREATED, SortColumn.NUMBER})
# and those only staff have one for (ticket_indexes.DUE_INDEXES: no company leads them)
_STAFF_INDEXED_SORTS = frozenset({SortColumn.DUE})


def _indexed(scope: TicketScope, column: SortColumn) -> bool:
    return column in _INDEXED_SORTS or (scope.everything and column in _STAFF_INDEXED_SORTS)


def _source(column: SortColumn) -> FromClause:
    return _WITH_COMPANY if column is SortColumn.COMPANY else tickets


def _shape(scope: TicketScope, query: TicketQuery, dialect: str) -> Hashable:
    """Everything that changes a list statement's SQL, and nothing that only changes the
    values ``parameters`` binds: two requests of one shape share one statement."""
    companies = len(scope.company_ids) if not scope.everything else -1
    cursor = None if query.cursor is None else query.cursor.backwards
    return (dialect, companies, query.wanted_statuses(), query.priority,
            query.company_id is not None, query.asset_id is not None,
            bool(query.text.strip()), query.modified_from is not None,
            query.modified_to is not None, query.sort, query.descending, cursor,
            query.page_size, query.assignee_id is not None, query.unassigned,
            query.vendor is not None, query.created_before is not None)


# Building a statement costs more than running it (SQLAlchemy's construction and cache-key
# walk: ~0.5 ms against ~0.2 ms for a page), so each shape is built once per process.
_STATEMENTS: dict[Hashable, tuple[Select[Any], Select[Any]]] = {}
MAX_SHAPES = 2048


def _statements(scope: TicketScope, query: TicketQuery, dialect: str
                ) -> tuple[Select[Any], Select[Any]]:
    key = _shape(scope, query, dialect)
    built = _STATEMENTS.get(key)
    if built is None:
        built = _build(scope, query, dialect)
        if len(_STATEMENTS) >= MAX_SHAPES:
            _STATEMENTS.clear()  # a bound on memory; shapes in use come back at once
        _STATEMENTS[key] = built
    return built


def page_for(uow: SqlUnitOfWork, scope: TicketScope, query: TicketQuery) -> TicketPage:
    page_query, header_query = _statements(scope, query, uow.dialect)
    values = parameters(scope, query)
    column, size, cursor = query.sort, query.page_size, query.cursor
    backwards = cursor is not None and cursor.backwards
    found = uow.execute(page_query, values).all()  # rows: _columns(scope), then the header
    width = len(_columns(scope))
    if found:
        header: Sequence[Any] = found[0][width:]
    elif cursor is None:
        header = [0]  # the first page is empty: nothing matches at all
    else:
        header = uow.execute(header_query, values).one()  # nothing beyond a (stale) pivot
    fetched = [_row(r, width) for r in found]
    matching = int(header[0])
    other_side_has_rows = bool(header[1]) if cursor is not None else False
    more = len(fetched) > size
    rows = fetched[:size]
    if backwards:
        rows.reverse()
        has_previous, has_next = more, other_side_has_rows
    else:
        has_previous, has_next = other_side_has_rows, more
    next_cursor = Cursor(sort_key_of(rows[-1], column), rows[-1].id) if rows and has_next else None
    previous_cursor = (evolve(Cursor(sort_key_of(rows[0], column), rows[0].id), backwards=True)
                       if rows and has_previous else None)
    return TicketPage(tuple(rows), min(matching, COUNT_CAP), matching > COUNT_CAP,
                      next_cursor, previous_cursor)


def _fixed(limit: int) -> ColumnClause[Any]:
    # LIMIT as a literal, not a parameter: PostgreSQL's generic plan for a prepared
    # statement assumes a parameterised LIMIT returns 10% of the rows, finds it dearer than
    # a custom plan and so plans the list again on every execution (~0.8 ms each)
    return literal_column(str(int(limit)))


def _build(scope: TicketScope, query: TicketQuery, dialect: str
           ) -> tuple[Select[Any], Select[Any]]:
    """(the page with its count, the count alone) for the query's shape."""
    column, size, cursor = query.sort, query.page_size, query.cursor
    sort = _SORT[column]
    conditions = filters(scope, query, dialect)
    backwards = cursor is not None and cursor.backwards
    # In display order "after" the pivot means smaller keys when descending. A forward page
    # takes the rows strictly after the pivot and asks whether any lie at or before it (is
    # there a previous page); a backward page mirrors that.
    if backwards:
        towards, other_side = (">", "<=") if query.descending else ("<", ">=")
    else:
        towards, other_side = ("<", ">=") if query.descending else (">", "<=")
    fetch_descending = query.descending != backwards  # walk away from the pivot

    order = [sort.desc(), tickets.c.id.desc()] if fetch_descending else [sort, tickets.c.id]
    if column is SortColumn.NUMBER:
        # numbers are unique, so "id" never breaks a tie; naming it anyway makes PostgreSQL
        # add an (incremental) sort on top of the number index
        del order[1]
    indexed = _indexed(scope, column)
    capped = select(literal(1)).select_from(tickets).where(*conditions)
    if indexed:
        # Walk the page's own index in the page's order and stop at the cap: at most
        # COUNT_CAP + 1 matching rows are read whatever the filter (unordered, PostgreSQL may
        # pick a sequential or bitmap scan of every match).
        capped = capped.order_by(*order)
    capped = capped.limit(_fixed(COUNT_CAP + 1))
    counted: list[Any] = [select(func.count()).select_from(capped.subquery()).scalar_subquery()]
    source = _source(column) if scope.everything else _WITH_COMPANY
    page_query: Select[Any] = select(*_columns(scope)).select_from(source).where(*conditions)
    if cursor is not None:
        page_query = page_query.where(_keyset(sort, cursor, column, towards))
        beside = (select(literal(1)).select_from(_source(column))
                  .where(*conditions, _keyset(sort, cursor, column, other_side)))
        if indexed:
            # the row nearest the pivot on the other side, found along the index; EXISTS
            # lets PostgreSQL start a sequential scan and hope to meet a match early
            nearest = [sort, tickets.c.id] if fetch_descending else [sort.desc(),
                                                                     tickets.c.id.desc()]
            counted.append(beside.order_by(*nearest[:len(order)]).limit(_fixed(1)).scalar_subquery())
        else:
            counted.append(beside.exists())
    # The count (and the other-side check) ride along as uncorrelated scalar subqueries,
    # which both engines evaluate once per statement, not per row: one round trip per page.
    header_columns = [c.label(f"_header{i}") for i, c in enumerate(counted)]
    page_query = page_query.add_columns(*header_columns).order_by(*order).limit(_fixed(size + 1))
    # planned for the viewer's own companies and filters every time (engine.PLAN_EACH_TIME)
    each_time = {PLAN_EACH_TIME: True}
    return (page_query.execution_options(**each_time),
            select(*counted).execution_options(**each_time))


_STATUSES = {s.value: s for s in TicketStatus}
_PRIORITIES = {p.value: p for p in Priority}
_KINDS = {k.value: k for k in TicketKind}


def _row(row: Sequence[Any], width: int) -> TicketRow:
    # positional, in _columns' order: the hot path skips building a mapping per row
    (ticket_id, number, subject, modified_at, created_at, company, status, priority, kind,
     due, warning_at) = row[:11]
    return TicketRow(ticket_id, number, subject, modified_at, created_at, company,
                     _STATUSES[status], _PRIORITIES[priority], _KINDS[kind],
                     row[11] if width > 11 else "", due, warning_at)
