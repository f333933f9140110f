"""The ticket list's SQL: few statements, keyset row-value comparisons, no OFFSET."""

from __future__ import annotations

import pytest
from attrs import evolve

from clico_adapters.sql import SqlDatabase
from clico_core.testing import builders as b
from clico_core.tickets import PAGE_SIZES, SortColumn, TicketPage, TicketQuery, TicketScope

from .sql_support import recorded

MAX_STATEMENTS = 3


@pytest.fixture
def seeded(sql_database: SqlDatabase) -> TicketScope:
    company = b.company()
    reporter = b.account(company.id)
    with sql_database.uow_factory() as uow:
        uow.companies.add(company)
        uow.accounts.add(reporter)
        for i in range(230):
            uow.tickets.add(b.ticket(company.id, reporter.id, f"CSS-{i:06d}", minutes=i % 97))
        uow.commit()
    return TicketScope(frozenset({company.id}))


def _page(db: SqlDatabase, scope: TicketScope, query: TicketQuery
          ) -> tuple[TicketPage, list[str]]:
    """One list request as the service makes it: a read-only unit of work, one page."""
    with recorded(db.engine) as statements, db.uow_factory(readonly=True) as uow:
        page = uow.tickets.page_for(scope, query)
    return page, statements


@pytest.mark.parametrize("page_size", PAGE_SIZES)
@pytest.mark.parametrize("sort", [SortColumn.MODIFIED, SortColumn.COMPANY])
def test_a_list_request_takes_at_most_three_statements_whatever_the_page(
        sql_database: SqlDatabase, seeded: TicketScope, page_size: int,
        sort: SortColumn) -> None:
    query = TicketQuery(page_size=page_size, sort=sort, text="css")
    first, statements = _page(sql_database, seeded, query)
    assert len(statements) <= MAX_STATEMENTS, statements
    assert first.next_cursor is not None
    middle, statements = _page(sql_database, seeded, evolve(query, cursor=first.next_cursor))
    assert len(statements) <= MAX_STATEMENTS, statements
    assert middle.previous_cursor is not None
    _, statements = _page(sql_database, seeded, evolve(query, cursor=middle.previous_cursor))
    assert len(statements) <= MAX_STATEMENTS, statements


def test_deep_pages_use_row_values_not_offset(sql_database: SqlDatabase,
                                              seeded: TicketScope) -> None:
    query = TicketQuery(page_size=10)
    page, _ = _page(sql_database, seeded, query)
    for _ in range(5):
        assert page.next_cursor is not None
        page, _ = _page(sql_database, seeded, evolve(query, cursor=page.next_cursor))
    parameters: list[object] = []
    with recorded(sql_database.engine, parameters) as statements, \
            sql_database.uow_factory(readonly=True) as uow:
        uow.tickets.page_for(seeded, evolve(query, cursor=page.next_cursor))
    for statement, params in zip(statements, parameters, strict=True):
        # SQLAlchemy's SQLite dialect spells every LIMIT "LIMIT ? OFFSET ?": the offset is 0
        chunks = statement.split("?")
        offsets = [params[i] for i, chunk in enumerate(chunks[:-1])  # type: ignore[index]
                   if chunk.rstrip().upper().endswith("OFFSET")]
        assert set(offsets) <= {0}
        assert "OFFSET" not in statement or sql_database.dialect == "sqlite"
    assert "(tickets.modified_at, tickets.id) <" in " ".join(statements)


def test_the_count_stops_at_the_cap(sql_database: SqlDatabase, seeded: TicketScope) -> None:
    page, statements = _page(sql_database, seeded, TicketQuery())
    assert page.total == 230 and not page.total_capped
    assert any("limit" in s.lower() and "count(" in s.lower() for s in statements)
