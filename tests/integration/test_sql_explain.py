"""EXPLAIN the ticket list and the staff queue's views at a realistic size (100k tickets):
indexes, no full scan, no sort."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from attrs import evolve
from sqlalchemy import event, insert, select, text

from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.repositories.ticket_list import filters
from clico_adapters.sql.tables import accounts, companies, tickets
from clico_core.testing import builders as b
from clico_core.tickets import (
    NO_DUE_SHIFT,
    Cursor,
    SortColumn,
    TicketQuery,
    TicketScope,
    TicketStatus,
)
from clico_core.values import Role

from .sql_support import plan_nodes, query_plan, upgraded_database

pytestmark = pytest.mark.slow
TICKETS = 100_000
COMPANIES = 50
BIG = "co-big"  # a large customer: a fifth of all tickets
ENGINEERS = [f"ac-eng-{i}" for i in range(5)]  # handle three tickets in five


def _seed(db: SqlDatabase) -> None:
    """Core bulk inserts (executemany), no entities: seconds, not minutes."""
    rng = random.Random(3)
    company_ids = [BIG] + [f"co-{i:03d}" for i in range(1, COMPANIES)]
    statuses = [s.value for s in TicketStatus]
    with db.engine.begin() as connection:
        connection.execute(insert(companies), [
            {"id": c, "name": f"Company {c}", "key": f"company {c}"} for c in company_ids])
        account_rows = []
        for c in company_ids:
            values = _account_values(b.account(c, f"user-{c}"))
            values["id"] = f"ac-{c}"
            account_rows.append(values)
        for engineer in ENGINEERS:
            values = _account_values(b.account(BIG, engineer, role=Role.ENGINEER))
            values["id"] = engineer
            account_rows.append(values)
        connection.execute(insert(accounts), account_rows)
        handler = random.Random(5)  # its own draws: the other columns stay as they were
        dues = random.Random(7)  # the SLA due times' own draws, likewise
        rows = []
        for i in range(TICKETS):
            company = BIG if rng.random() < 0.2 else rng.choice(company_ids[1:])
            at = b.T0 + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            rows.append({
                "id": f"tk{i:08d}", "number": f"CSS-{i + 1:06d}", "kind": "administrative",
                "subject": f"subject {i % 977}", "subject_folded": f"subject {i % 977}",
                "description": "<p>x</p>", "priority": "normal", "relation_type": "incident",
                "company_id": company, "reporter_id": f"ac-{company}", "created_at": at,
                "modified_at": at + timedelta(minutes=rng.randrange(10_000)),
                "status": rng.choice(statuses), "contract_id": None,
                "questionnaire_id": None, "idempotency_key": None,
                "assignee_id": (handler.choice(ENGINEERS) if handler.random() < 0.6
                                else None),
            })
            rows[-1].update(_due_times(rows[-1]["status"], rows[-1]["created_at"], dues))
        for start in range(0, TICKETS, 10_000):
            connection.execute(insert(tickets), rows[start:start + 10_000])
        if db.dialect == "postgresql":
            # autovacuum would do this soon; SQLite is left without statistics on purpose
            # (nothing refreshes them in production), and must still plan well
            connection.execute(text("ANALYZE"))


def _due_times(status: str, created: datetime, rng: random.Random) -> dict[str, Any]:
    """A running clock's due time for new and open tickets; none for the rest, which sort
    after them (``tickets.due_order``)."""
    if status not in ("new", "open"):
        return {"sla_due": None, "resolution_due": None, "sla_order": created + NO_DUE_SHIFT,
                "sla_warning_at": None}
    due = created + timedelta(hours=rng.choice([1, 4, 12, 48, 120]))
    return {"sla_due": due, "resolution_due": due, "sla_order": due,
            "sla_warning_at": due - timedelta(minutes=15)}


def _account_values(account: Any) -> dict[str, Any]:
    from clico_adapters.sql.mapping import account_values
    from clico_adapters.sql.sealing import KeylessBox
    return account_values(account, KeylessBox())  # no authenticator secret to seal


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def big_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[SqlDatabase]:
    db = upgraded_database(request, tmp_path_factory)
    _seed(db)
    yield db
    db.dispose()


def _list_statements(db: SqlDatabase, scope: TicketScope, query: TicketQuery
                     ) -> list[tuple[str, Any]]:
    """The statements (and parameters) one list request runs, BEGIN excluded."""
    seen: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, params, *args):  # type: ignore[no-untyped-def]
        if not statement.startswith("BEGIN"):
            seen.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        with db.uow_factory(readonly=True) as uow:
            uow.tickets.page_for(scope, query)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def _deep_cursor(db: SqlDatabase, scope: TicketScope, query: TicketQuery,
                 pages: int = 10) -> TicketQuery:
    with db.uow_factory(readonly=True) as uow:
        page = uow.tickets.page_for(scope, query)
        for _ in range(pages):
            assert page.next_cursor is not None
            page = uow.tickets.page_for(scope, evolve(query, cursor=page.next_cursor))
    assert page.next_cursor is not None
    return evolve(query, cursor=page.next_cursor)


CUSTOMER = TicketScope(frozenset({BIG}))
STAFF = TicketScope(frozenset(), everything=True)
CASES = {
    "customer, open, by modified": (CUSTOMER, TicketQuery(page_size=100)),
    "customer, one status": (CUSTOMER, TicketQuery(
        page_size=100, statuses=frozenset({TicketStatus.OPEN}))),
    "customer, by created, oldest first": (CUSTOMER, TicketQuery(
        page_size=100, show_closed=True, sort=SortColumn.CREATED, descending=False)),
    "customer, by number": (CUSTOMER, TicketQuery(page_size=100, show_closed=True,
                                                  sort=SortColumn.NUMBER)),
    "staff, everything, by modified": (STAFF, TicketQuery(page_size=100, show_closed=True)),
    "staff, open, by modified": (STAFF, TicketQuery(page_size=100)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_page_query_walks_an_index_without_sorting(big_database: SqlDatabase,
                                                       case: str) -> None:
    scope, query = CASES[case]
    deep = _deep_cursor(big_database, scope, query)
    statements = _list_statements(big_database, scope, deep)
    assert len(statements) == 1, statements  # the count rides on the page's statement
    plan = query_plan(big_database.engine, *statements[0])
    if big_database.dialect == "sqlite":
        assert "USING INDEX ix_tickets_" in plan or "USING COVERING INDEX ix_tickets_" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
        assert ",id)<(?,?)" in plan or ",id)>(?,?)" in plan, plan  # keyset in the index range
        assert not any(line.strip().endswith("SCAN tickets") for line in plan.splitlines()), plan
        return
    _check_postgresquery_plan(plan)


# the staff queue's saved views, each on its own index (migration 0013); "Wszystkie otwarte"
# is "staff, open, by modified" above
QUEUE_CASES = {
    "queue, unassigned": (TicketQuery(page_size=100, unassigned=True),
                          ("ix_tickets_unassigned_open_modified",
                           "ix_tickets_assignee_open_modified")),
    "queue, mine": (TicketQuery(page_size=100, assignee_id=ENGINEERS[1]),
                    ("ix_tickets_assignee_open_modified",)),
    "queue, an engineer's, 25 a page": (TicketQuery(page_size=25, assignee_id=ENGINEERS[2]),
                                        ("ix_tickets_assignee_open_modified",)),
    "queue, waiting for customer": (TicketQuery(
        page_size=100, statuses=frozenset({TicketStatus.WAITING_FOR_CUSTOMER})),
        ("ix_tickets_status_modified",)),
    # the queue's default order, the nearest due time first (migration 0017)
    "queue by due, all open": (TicketQuery(page_size=25, sort=SortColumn.DUE,
                                           descending=False), ("ix_tickets_open_due",)),
    "queue by due, unassigned": (TicketQuery(page_size=25, sort=SortColumn.DUE,
                                             descending=False, unassigned=True),
                                 ("ix_tickets_unassigned_open_due",
                                  "ix_tickets_assignee_open_due")),
    "queue by due, mine": (TicketQuery(page_size=25, sort=SortColumn.DUE, descending=False,
                                       assignee_id=ENGINEERS[1]),
                           ("ix_tickets_assignee_open_due",)),
    "queue by due, waiting for customer": (TicketQuery(
        page_size=25, sort=SortColumn.DUE, descending=False,
        statuses=frozenset({TicketStatus.WAITING_FOR_CUSTOMER})), ("ix_tickets_status_due",)),
    "queue by due, with closed, latest due first": (TicketQuery(
        page_size=25, sort=SortColumn.DUE, show_closed=True), ("ix_tickets_due",)),
}


def _last_page(db: SqlDatabase, query: TicketQuery) -> TicketQuery:
    """The queue view (by due time, earliest first) at its last page: the cursor after the
    row that precedes the last ``page_size`` rows."""
    assert query.sort is SortColumn.DUE and not query.descending
    before_last = (select(tickets.c.sla_order, tickets.c.id).where(*filters(STAFF, query))
                   .order_by(tickets.c.sla_order.desc(), tickets.c.id.desc())
                   .offset(query.page_size).limit(1))
    with db.engine.connect() as connection:
        value, ticket_id = connection.execute(before_last).one()
    return evolve(query, cursor=Cursor(value.isoformat(), ticket_id))


DUE_VIEWS = [c for c in QUEUE_CASES if c.startswith("queue by due") and "closed" not in c]


@pytest.mark.parametrize(("case", "page"), [(c, "10 pages deep") for c in QUEUE_CASES]
                         + [(c, "last page") for c in DUE_VIEWS])
def test_the_queue_views_walk_their_own_index(big_database: SqlDatabase, case: str,
                                              page: str) -> None:
    """Deep and last pages: near the end of ``sla_order`` PostgreSQL expects few rows and
    would join the names by hash (losing the order, then sorting) if they were joined."""
    query, indexes = QUEUE_CASES[case]
    deep = (_deep_cursor(big_database, STAFF, query) if page == "10 pages deep"
            else _last_page(big_database, query))
    statements = _list_statements(big_database, STAFF, deep)
    assert len(statements) == 1, statements
    plan = query_plan(big_database.engine, *statements[0])
    if big_database.dialect == "sqlite":
        assert any(f"SEARCH tickets USING INDEX {i} (" in plan.splitlines()[0]
                   for i in indexes), plan
        assert "TEMP B-TREE" not in plan, plan
        assert not any(line.strip().endswith("SCAN tickets") for line in plan.splitlines()), plan
        return
    _check_postgresquery_plan(plan)
    root = json.loads(plan)[0]["Plan"]
    page_scans = [n for n in plan_nodes(root, skip_init_plans=True)
                  if n.get("Relation Name") == "tickets"]
    assert len(page_scans) == 1 and page_scans[0]["Index Name"] in indexes, plan


def _check_postgresquery_plan(plan: str) -> None:
    root = json.loads(plan)[0]["Plan"]
    # The capped count and the other-side check are InitPlans, evaluated once. The count
    # stops after COUNT_CAP + 1 rows; when the filter matches a large share of the table
    # PostgreSQL rightly reads those few rows sequentially, so there only sorting is ruled out.
    assert not [n for n in plan_nodes(root) if "Sort" in n["Node Type"]], plan
    nodes = list(plan_nodes(root, skip_init_plans=True))
    on_tickets = [n for n in nodes if n.get("Relation Name") == "tickets"]
    assert on_tickets, plan
    assert all(n["Node Type"] in ("Index Scan", "Index Only Scan") for n in on_tickets), plan
    assert all(n["Index Name"].startswith(("ix_tickets_", "uq_tickets_number"))
               for n in on_tickets), plan
    assert any("ROW(" in n.get("Index Cond", "") for n in on_tickets) or any(
        n["Index Name"] == "uq_tickets_number" for n in on_tickets), plan
