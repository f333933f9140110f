"""Migration 0009: every existing ticket's description becomes the first article of its
conversation, closed and resolved tickets get their moments, and going back keeps tickets."""

from __future__ import annotations

from sqlalchemy import func, insert, inspect, select

from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.mapping import account_values, company_values, ticket_values
from clico_adapters.sql.sealing import KeylessBox
from clico_adapters.sql.tables import accounts, companies, tickets
from clico_core.articles import ArticleKind, AuthorRole
from clico_core.testing import builders as b
from clico_core.tickets import TicketStatus
from clico_core.values import Role

NEW_COLUMNS = {"assignee_id", "resolved_at", "closed_at", "close_reminded_at", "follows_id",
               "version"}


def test_descriptions_become_first_articles_and_old_moments_are_filled_in(
        empty_database_url: str) -> None:
    db = SqlDatabase.from_url(empty_database_url)
    try:
        db.upgrade("0008")
        company = b.company()
        customer = b.account(company.id, "jan", first_name="Jan", last_name="Kowalski")
        engineer = b.account(company.id, "eng", first_name="Ewa", last_name="Nowak",
                             role=Role.ENGINEER)
        old = [b.ticket(company.id, customer.id, "CSS-000001", status=TicketStatus.CLOSED,
                        minutes=5),
               b.ticket(company.id, engineer.id, "CSS-000002", status=TicketStatus.RESOLVED),
               b.ticket(company.id, customer.id, "CSS-000003")]
        with db.engine.begin() as connection:  # the schema of 0008, not today's mapping
            connection.execute(insert(companies).values(company_values(company)))
            for account in (customer, engineer):
                row = account_values(account, KeylessBox())  # no secret to seal
                del row["notify_company_tickets"]  # migration 0010's
                connection.execute(insert(accounts).values(row))
            present = {c["name"] for c in inspect(connection).get_columns("tickets")}
            for ticket in old:
                values = {k: v for k, v in ticket_values(ticket).items() if k in present}
                assert not present & NEW_COLUMNS
                connection.execute(insert(tickets).values(values))
        db.upgrade()
        with db.uow_factory(readonly=True) as uow:
            for ticket in old:
                [article] = uow.articles.page_for(ticket.id, include_internal=False,
                                                  after=None, limit=5).articles
                assert (article.id, article.kind, article.body) == (
                    ticket.id, ArticleKind.DESCRIPTION, ticket.description)
                assert (article.created_at, article.author_id) == (ticket.created_at,
                                                                   ticket.reporter_id)
                loaded = uow.tickets.get(ticket.id)
                assert loaded is not None and loaded.version == 0
            roles = [uow.articles.get(t.id).author_role for t in old]  # type: ignore[union-attr]
            names = [uow.articles.get(t.id).author_name for t in old]  # type: ignore[union-attr]
            closed, resolved, new = (uow.tickets.get(t.id) for t in old)
        assert roles == [AuthorRole.CUSTOMER, AuthorRole.STAFF, AuthorRole.CUSTOMER]
        assert names == ["Jan Kowalski", "Ewa Nowak", "Jan Kowalski"]
        assert closed is not None and closed.closed_at == old[0].modified_at
        assert resolved is not None and resolved.resolved_at == old[1].modified_at
        assert new is not None and (new.closed_at, new.resolved_at) == (None, None)

        db.downgrade("0008")
        assert "articles" not in inspect(db.engine).get_table_names()
        columns = {c["name"] for c in inspect(db.engine).get_columns("tickets")}
        assert not columns & NEW_COLUMNS and "description" in columns
        with db.engine.connect() as connection:
            assert connection.execute(select(func.count()).select_from(tickets)).scalar() == 3
        db.upgrade()
        assert not db.pending_migrations()
    finally:
        db.dispose()
