"""The ticket list, the portal's hot path: filters, keyset paging and a capped count.

Keyset paging compares row values, ``(sort_col, id) < (:value, :id)``, which both engines
turn into one index range; the ``a < x OR (a = x AND b < y)`` spelling does not, and
``OFFSET`` reads every skipped row. The count stops at ``COUNT_CAP + 1`` rows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from attrs import evolve
from sqlalchemy import (
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
    sort_key_of,
)

from ..tables import companies, ticket_assets, tickets

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
}
_WITH_COMPANY: FromClause = tickets.outerjoin(companies, companies.c.id == tickets.c.company_id)
_ROW_COLUMNS = (tickets.c.id, tickets.c.number, tickets.c.subject, tickets.c.modified_at,
                tickets.c.created_at, _COMPANY_NAME.label("company_name"), tickets.c.status,
                tickets.c.priority, tickets.c.kind)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _typed(column: SortColumn, value: str) -> object:
    """A cursor's string (``sort_key_of``) back to the column's type."""
    if column in (SortColumn.MODIFIED, SortColumn.CREATED):
        moment = datetime.fromisoformat(value)  # ValueError for a mangled cursor
        if moment.tzinfo is None:
            raise ValueError("a cursor's time carries its UTC offset")
        return moment
    return value


def _one_or_in(column: ColumnElement[Any], values: list[str]) -> ColumnElement[bool]:
    # "= :v" rather than "IN (:v)" keeps the plan obvious to both planners
    return column == values[0] if len(values) == 1 else column.in_(values)


def filters(scope: TicketScope, query: TicketQuery, dialect: str = "postgresql"
            ) -> list[ColumnElement[bool]]:
    """Everything but the cursor: what the viewer may see and asked for."""
    conditions: list[ColumnElement[bool]] = []
    if not scope.everything and scope.company_ids:
        conditions.append(_one_or_in(tickets.c.company_id, sorted(scope.company_ids)))
    elif not scope.everything:  # no active contract: only the viewer's own tickets
        conditions.append(tickets.c.reporter_id == (scope.reporter_id or ""))
    wanted = query.wanted_statuses()
    statuses = sorted(s.value for s in wanted)
    if wanted == OPEN_STATUSES:
        # the same rows as "IN (every status but closed)", spelt as the predicate of the
        # partial indexes (tables.OPEN_TICKET_INDEXES) so that both planners use them: with
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
        conditions.append(tickets.c.company_id == query.company_id)
    if query.asset_id is not None:
        conditions.append(exists().where(ticket_assets.c.ticket_id == tickets.c.id,
                                         ticket_assets.c.asset_id == query.asset_id))
    text = query.text.strip().casefold()
    if text:
        # numbers are ASCII, so lower() equals casefold(); the subject is folded in Python
        conditions.append(or_(func.lower(tickets.c.number).contains(text, autoescape=True),
                              tickets.c.subject_folded.contains(text, autoescape=True)))
    if query.modified_from is not None:
        conditions.append(tickets.c.modified_at >= _day_start(query.modified_from))
    if query.modified_to is not None:
        conditions.append(tickets.c.modified_at
                          < _day_start(query.modified_to + timedelta(days=1)))
    return conditions


def _keyset(sort: ColumnElement[Any], cursor: Cursor, column: SortColumn, op: str
            ) -> ColumnElement[bool]:
    pivot = tuple_(bindparam(None, _typed(column, cursor.value), type_=sort.type),
                   bindparam(None, cursor.id, type_=tickets.c.id.type))
    row = tuple_(sort, tickets.c.id)
    comparisons = {"<": row.__lt__, ">": row.__gt__, "<=": row.__le__, ">=": row.__ge__}
    return comparisons[op](pivot)


# sorts every scope has an index for (ending in id): walking them in order is cheap
_INDEXED_SORTS = frozenset({SortColumn.MODIFIED, SortColumn.CREATED, SortColumn.NUMBER})


def _source(column: SortColumn) -> FromClause:
    return _WITH_COMPANY if column is SortColumn.COMPANY else tickets


def page_for(uow: SqlUnitOfWork, scope: TicketScope, query: TicketQuery) -> TicketPage:
    column, size, cursor = query.sort, query.page_size, query.cursor
    sort = _SORT[column]
    conditions = filters(scope, query, uow.dialect)
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
    indexed = column in _INDEXED_SORTS
    capped = select(literal(1)).select_from(tickets).where(*conditions)
    if indexed:
        # Walk the page's own index in the page's order and stop at the cap: at most
        # COUNT_CAP + 1 matching rows are read whatever the filter (unordered, PostgreSQL may
        # pick a sequential or bitmap scan of every match).
        capped = capped.order_by(*order)
    capped = capped.limit(COUNT_CAP + 1)
    counted: list[Any] = [select(func.count()).select_from(capped.subquery()).scalar_subquery()]
    page_query: Select[Any] = select(*_ROW_COLUMNS).select_from(_WITH_COMPANY).where(*conditions)
    if cursor is not None:
        page_query = page_query.where(_keyset(sort, cursor, column, towards))
        beside = (select(literal(1)).select_from(_source(column))
                  .where(*conditions, _keyset(sort, cursor, column, other_side)))
        if indexed:
            # the row nearest the pivot on the other side, found along the index; EXISTS
            # lets PostgreSQL start a sequential scan and hope to meet a match early
            nearest = [sort, tickets.c.id] if fetch_descending else [sort.desc(),
                                                                     tickets.c.id.desc()]
            counted.append(beside.order_by(*nearest[:len(order)]).limit(1).scalar_subquery())
        else:
            counted.append(beside.exists())
    page_query = page_query.order_by(*order).limit(size + 1)

    header = uow.execute(select(*counted)).one()
    fetched = [_row(r) for r in uow.execute(page_query).mappings()]
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


def _row(row: Any) -> TicketRow:
    return TicketRow(row["id"], row["number"], row["subject"], row["modified_at"],
                     row["created_at"], row["company_name"], TicketStatus(row["status"]),
                     Priority(row["priority"]), TicketKind(row["kind"]))
