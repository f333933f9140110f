"""The ticket page's ``Historia`` shows the latest changes only, with ``Pełna historia``
when there are earlier ones; the full history is staff-only and paged by position in the
log, in a bounded number of statements whatever the length. Memory, SQLite and PostgreSQL
(``ticket_world``)."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from clico_core.services import PostReply
from clico_core.services.ticket_history import HISTORY_PAGE_SIZE, RECENT_HISTORY
from clico_web import create_app

from ..sql_support import recorded
from ..ticket_fixtures import post_ticket
from ..web_fixtures import sign_in_web
from .conversation_pages import history

FULL_LINK = re.compile(r'<a href="/tickets/([^"/]+)/history">(Pełna historia|Full history)</a>')
NEXT = re.compile(r'href="(/tickets/[^"]+/history\?after=[^"]+)" rel="next"')


def _notes(ticket_world, number: str, count: int) -> None:
    ewa = ticket_world.viewer("eng@clico.pl")
    for index in range(count):
        ticket_world.services.post_reply(ewa, PostReply(number, f"<p>note {index}</p>",
                                                        internal=True))


def _walk(client, number: str) -> list[list[list[str]]]:
    """The full history's pages, following ``rel="next"`` from the first."""
    pages, path = [], f"/tickets/{number}/history"
    while True:
        response = client.get(path)
        assert response.status_code == 200
        pages.append(history(response.text))
        assert ('rel="first"' in response.text) is (len(pages) > 1)
        found = NEXT.search(response.text)
        if found is None:
            return pages
        path = found.group(1).replace("&amp;", "&")


def test_a_short_history_is_shown_whole_without_a_link(number, engineer, ticket_world):
    page = engineer.get(f"/tickets/{number}").text
    rows = history(page)
    assert 0 < len(rows) < RECENT_HISTORY
    assert FULL_LINK.search(page) is None
    assert _walk(engineer, number) == [rows]


def test_the_ticket_page_shows_the_latest_changes_and_links_the_full_history(
        number, engineer, ticket_world):
    _notes(ticket_world, number, HISTORY_PAGE_SIZE + 5)
    page = engineer.get(f"/tickets/{number}").text
    rows = history(page)
    assert len(rows) == RECENT_HISTORY
    assert FULL_LINK.search(page).groups() == (number, "Pełna historia")  # type: ignore[union-attr]
    pages = _walk(engineer, number)
    assert [len(p) for p in pages[:-1]] == [HISTORY_PAGE_SIZE] * (len(pages) - 1)
    every = [row for p in pages for row in p]
    entries = ticket_world.services.ticket_history(ticket_world.viewer("eng@clico.pl"), number)
    assert len(pages) == 2 and len(every) == len(entries) > HISTORY_PAGE_SIZE
    assert every[0][2] == "Utworzenie zgłoszenia"
    assert rows == every[-RECENT_HISTORY:]  # the latest, oldest first as before
    engineer.cookies.set("clico_lang", "en")
    english = engineer.get(f"/tickets/{number}").text
    assert FULL_LINK.search(english).group(2) == "Full history"  # type: ignore[union-attr]
    full = engineer.get(f"/tickets/{number}/history").text
    assert f"History of ticket {number}" in full and "Later changes" in full
    engineer.cookies.set("clico_lang", "pl")
    full = engineer.get(f"/tickets/{number}/history").text
    assert f"Historia zgłoszenia {number}" in full and "Późniejsze zmiany" in full


def test_an_assignment_shows_who_had_it_before_the_rows_shown(number, engineer,
                                                               ticket_world):
    ewa = ticket_world.viewer("eng@clico.pl")
    ticket_world.services.assign_ticket(ewa, number, ewa.account.id)
    _notes(ticket_world, number, HISTORY_PAGE_SIZE + RECENT_HISTORY)
    ticket_world.services.assign_ticket(ewa, number, None)
    latest = history(engineer.get(f"/tickets/{number}").text)[-1]
    assert latest[2:] == ["Przypisany inżynier", "Ewa Inżynier", "Nikt"]
    pages = _walk(engineer, number)
    assert pages[-1][-1] == latest


def test_only_staff_who_see_the_ticket_read_its_full_history(jan, number, engineer,
                                                             ticket_world, acme,
                                                             web_settings):
    _notes(ticket_world, number, RECENT_HISTORY)
    for language in ("pl", "en"):
        jan.cookies.set("clico_lang", language)
        page = jan.get(f"/tickets/{number}").text
        assert "/history" not in page and FULL_LINK.search(page) is None
        assert jan.get(f"/tickets/{number}/history").status_code == 404
        assert jan.get(f"/tickets/{number}/history?after=1").status_code == 404
    other = ticket_world.issue("C-9", "Other Co")
    ticket_world.register("olaf", contract=other, email="olaf@example.com", company="Other Co")
    app = create_app(web_settings, services=ticket_world.services)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as olaf:
        sign_in_web(olaf, ticket_world, "olaf")
        theirs = post_ticket(olaf).headers["location"].rsplit("/", 1)[1]
        assert olaf.get(f"/tickets/{number}/history").status_code == 404
        assert olaf.get(f"/tickets/{theirs}/history").status_code == 404
    assert engineer.get(f"/tickets/{theirs}/history").status_code == 200
    assert engineer.get("/tickets/CSS-999999/history").status_code == 404
    assert engineer.get("/tickets/" + "x" * 500 + "/history").status_code == 404
    for bad in ("x", "-1", "1.5", "9" * 40):
        assert engineer.get(f"/tickets/{number}/history?after={bad}").status_code == 400


@pytest.mark.parametrize("ticket_world", ["sqlite", "postgres"], indirect=True)
def test_the_latest_changes_and_a_page_take_the_same_statements_however_long(
        jan, number, engineer, ticket_world):
    ewa = ticket_world.viewer("eng@clico.pl")
    services = ticket_world.services
    engine = services.ports.uow.engine
    ewa_id = ewa.account.id

    def statements() -> tuple[int, int]:
        with recorded(engine) as recent:
            services.recent_history(ewa, number)
        with recorded(engine) as page:
            services.history_page(ewa, number)
        return len(recent), len(page)

    services.assign_ticket(ewa, number, ewa_id)  # each range has an assignment to name
    services.assign_ticket(ewa, number, "")
    short = statements()
    assert all(0 < count <= 7 for count in short)
    for index in range(60):
        services.post_reply(ewa, PostReply(number, f"<p>note {index}</p>", internal=True))
        services.assign_ticket(ewa, number, ewa_id if index % 2 == 0 else "")
    assert statements() == short
