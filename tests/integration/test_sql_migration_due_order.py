"""Migration 0017: every existing ticket gets its due-order key (its nearest due time, else
its creation 4,000 years on), the same value the adapter writes, so the queue pages old and
new tickets alike; going back drops the columns and keeps the tickets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, inspect, select

from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.mapping import account_values, company_values, ticket_values
from clico_adapters.sql.sealing import KeylessBox
from clico_adapters.sql.tables import accounts, companies, tickets
from clico_core.testing import builders as b
from clico_core.tickets import due_order

NEW_COLUMNS = {"sla_order", "sla_warning_at"}


def test_existing_tickets_get_their_due_order(empty_database_url: str) -> None:
    db = SqlDatabase.from_url(empty_database_url)
    try:
        db.upgrade("0012")
        company = b.company()
        customer = b.account(company.id, "jan")
        due = b.ticket(company.id, customer.id, "CSS-000001")
        due.first_response_due = due.created_at + timedelta(hours=1)
        # no running clock, created on a leap day: the same date 4,000 years on
        leap = b.ticket(company.id, customer.id, "CSS-000002",
                        at=datetime(2028, 2, 29, 23, 59, 58, 123456, tzinfo=UTC))
        with db.engine.begin() as connection:  # the schema of 0012, not today's mapping
            connection.execute(insert(companies).values(company_values(company)))
            row = account_values(customer, KeylessBox())
            present = {c["name"] for c in inspect(connection).get_columns("accounts")}
            connection.execute(insert(accounts).values(
                {k: v for k, v in row.items() if k in present}))
            present = {c["name"] for c in inspect(connection).get_columns("tickets")}
            assert not present & NEW_COLUMNS
            for ticket in (due, leap):
                connection.execute(insert(tickets).values(
                    {k: v for k, v in ticket_values(ticket).items() if k in present}))
        db.upgrade()
        with db.engine.connect() as connection:
            found = dict(connection.execute(select(tickets.c.number, tickets.c.sla_order)).all())
        assert found == {"CSS-000001": due_order(due.sla_due, due.created_at),
                         "CSS-000002": due_order(None, leap.created_at)}
        assert found["CSS-000002"] == datetime(6028, 2, 29, 23, 59, 58, 123456, tzinfo=UTC)
        db.downgrade("0012")
        columns = {c["name"] for c in inspect(db.engine).get_columns("tickets")}
        assert not columns & NEW_COLUMNS
        with db.engine.connect() as connection:
            assert connection.execute(select(func.count()).select_from(tickets)).scalar() == 2
    finally:
        db.dispose()
