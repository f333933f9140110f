"""A whole ``GET /tickets`` (session lookup included) reaches the database at most three
times on SQLite (BEGIN, the session with its account and contracts, the page with its
count) and twice on PostgreSQL, whatever the page; the page still dies with its session,
and a bad filter is still a message (or the sign-in page when signed out)."""

from __future__ import annotations

import re

import pytest

from .sql_support import recorded
from .ticket_fixtures import listed, seed_tickets
from .web_fixtures import csrf_of, sign_in_web


def statements_of(world):  # type: ignore[no-untyped-def]
    return recorded(world.services.ports.uow.engine)


# statements are counted on the SQL backends only (the memory one has none)
pytestmark = pytest.mark.parametrize("ticket_world", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def jan(tclient, ticket_world):  # type: ignore[no-untyped-def]
    acme = ticket_world.issue("C-1", "Acme")
    ticket_world.register("jan", contract=acme)
    sign_in_web(tclient, ticket_world, "jan")
    seed_tickets(ticket_world, acme.contract.company_id, "jan", 120)
    tclient.get("/tickets")  # the filter choices are then cached, as on a busy server
    return tclient


def _limit(world) -> int:  # type: ignore[no-untyped-def]
    return 3 if world.services.ports.uow.engine.dialect.name == "sqlite" else 2


def _next_url(html: str) -> str:
    links = re.findall(r'href="(/tickets\?[^"]*cursor=[^"]*)"', html)
    assert links, "no pager link"
    return links[-1].replace("&amp;", "&")


@pytest.mark.parametrize("query", ["", "?closed=1", "?size=100&sort=number&dir=asc",
                                   "?status=open&priority=high&filters=1",
                                   "?q=CSS&closed=1&sort=created"])
def test_a_list_request_is_at_most_three_statements(jan, ticket_world, query):
    with statements_of(ticket_world) as seen:
        page = jan.get("/tickets" + query)
    assert page.status_code == 200
    assert len(seen) <= _limit(ticket_world), seen
    if listed(page.text) and "cursor=" in page.text:
        following = _next_url(page.text)
        with statements_of(ticket_world) as seen:
            assert jan.get(following).status_code == 200
        assert len(seen) <= _limit(ticket_world), seen


def test_the_list_still_ends_with_the_session(jan, ticket_world):
    assert jan.get("/tickets").status_code == 200
    sign_out = jan.post("/signout", data={"csrf_token": csrf_of(jan, "/tickets")})
    assert sign_out.status_code in (302, 303)
    assert jan.get("/tickets").headers["location"] == "/signin"


def test_a_bad_filter_is_a_message_and_signed_out_is_sign_in(jan, tclient, ticket_world):
    backwards = "/tickets?from=2026-05-02&to=2026-05-01&filters=1"
    page = jan.get(backwards)
    assert page.status_code == 400, page.text
    assert "jan" in page.text.lower() or "Kowalski" in page.text  # still signed in
    tclient.cookies.clear()
    assert tclient.get(backwards).headers["location"] == "/signin"
