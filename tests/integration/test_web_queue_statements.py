"""A whole ``GET /staff/queue`` (session lookup included) reaches the database at most three
times on SQLite (BEGIN, the session with its account and contracts, the page with its
count) and twice on PostgreSQL, whatever the view, filter or page, like the ticket list."""

from __future__ import annotations

import re

import pytest

from clico_core.services import CreateStaff

from ..support import PASSWORD
from .sql_support import recorded
from .ticket_fixtures import seed_tickets
from .web_fixtures import sign_in_web

pytestmark = pytest.mark.parametrize("ticket_world", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def ewa(tclient, ticket_world):  # type: ignore[no-untyped-def]
    acme = ticket_world.issue("C-1", "Acme")
    ticket_world.register("jan", contract=acme)
    seed_tickets(ticket_world, acme.contract.company_id, "jan", 120)
    _, path = ticket_world.services.create_staff_account(
        CreateStaff("eng@clico.pl", "Ewa", "Inżynier"))
    ticket_world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    sign_in_web(tclient, ticket_world, "eng@clico.pl")
    tclient.get("/staff/queue")  # the choices are then cached, as on a busy server
    return tclient


def _limit(world) -> int:  # type: ignore[no-untyped-def]
    return 3 if world.services.ports.uow.engine.dialect.name == "sqlite" else 2


@pytest.mark.parametrize("query", [
    "", "?view=mine", "?view=waiting", "?view=open&closed=1",
    "?view=open&size=10&sort=number&dir=asc",
    "?view=open&priority=high&vendor=palo_alto&age=1&filters=1",
    "?view=unassigned&q=Subject&sort=created",
])
def test_a_queue_request_is_at_most_three_statements(ewa, ticket_world, query):
    with recorded(ticket_world.services.ports.uow.engine) as seen:
        page = ewa.get("/staff/queue" + query)
    assert page.status_code == 200, page.text
    assert len(seen) <= _limit(ticket_world), seen
    links = re.findall(r'href="(/staff/queue\?[^"]*cursor=[^"]*)"', page.text)
    if links:
        with recorded(ticket_world.services.ports.uow.engine) as seen:
            assert ewa.get(links[-1].replace("&amp;", "&")).status_code == 200
        assert len(seen) <= _limit(ticket_world), seen
