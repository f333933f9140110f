"""Working together on a ticket's page: a stale status form is refused with what changed
and keeps the typed text, ``Teraz przegląda`` shows the other engineers (never to
customers), and ``Szablony odpowiedzi`` are managed and inserted. Memory, SQLite and
PostgreSQL (``ticket_world``)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from clico_core.services import CreateStaff

from ...support import PASSWORD
from ..web_fixtures import BASE_URL, TestClient, csrf_of, sign_in_web
from .conversation_pages import reply, reply_form

_VERSION = re.compile(r'name="version" value="(\d+)"')


@pytest.fixture
def piotr(tclient, ticket_world):
    """A second engineer, in a browser of his own."""
    _, path = ticket_world.services.create_staff_account(
        CreateStaff("eng2@clico.pl", "Piotr", "Serwisant"))
    ticket_world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    with TestClient(tclient.app, base_url=BASE_URL, follow_redirects=False) as client:
        sign_in_web(client, ticket_world, "eng2@clico.pl")
        yield client


def _status(client: TestClient, number: str) -> str:
    match = re.search(r'<span class="status status-(\w+)">', client.get(f"/tickets/{number}").text)
    assert match
    return match.group(1)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_a_stale_status_form_is_refused_naming_the_change_and_keeps_the_text(
        jan, number, engineer, piotr, ticket_world, language):
    engineer.cookies.set("clico_lang", language)
    ticket_world.clock.advance(timedelta(minutes=5))
    stale = reply_form(engineer, number, "Naprawione <b>na pewno</b>.", new_status="resolved")
    assert _VERSION.search(engineer.get(f"/tickets/{number}").text)
    assert reply(piotr, number, "Proszę o logi.", internal="1",
                 new_status="waiting_for_customer").status_code == 303
    refused = engineer.post(f"/tickets/{number}/reply", data=stale)
    assert refused.status_code == 409
    text = html.unescape(refused.text)
    # the stepping clock moves on with every reading: the change was made a little after
    # 09:05 UTC, 10:05 on the portal's wall clock (Europe/Warsaw, CET in November)
    if language == "pl":
        assert re.search(r"Status zmieniony z Nowe na Oczekuje na klienta przez Piotr Serwisant "
                         r"o 10:0[5-9]; Twoja zmiana nie została zapisana\.", text)
    else:
        assert re.search(r"Status changed from New to Waiting for customer by Piotr Serwisant "
                         r"at 10:0[5-9]; your change was not saved\.", text)
    # Piotr's note in the conversation carries the same wall-clock time
    assert re.search(r"<time>[^<]*10:0[5-9]:\d\d[^<]*</time>", refused.text)
    assert ">Naprawione <b>na pewno</b>.</textarea>" in text  # typed text kept
    assert 'value="resolved" selected' in refused.text
    assert _status(engineer, number) == "waiting_for_customer"
    assert "Naprawione" not in engineer.get(f"/tickets/{number}").text
    # the page came back with the new version: sending it again is a knowing choice
    again = {**stale, "version": _VERSION.search(refused.text).group(1),  # type: ignore[union-attr]
             "csrf_token": csrf_of(engineer, f"/tickets/{number}")}
    assert engineer.post(f"/tickets/{number}/reply", data=again).status_code == 303
    assert _status(engineer, number) == "resolved"


def test_a_reply_alone_from_a_stale_form_is_appended(jan, number, engineer, piotr):
    stale = reply_form(engineer, number, "Sprawdzam.")
    assert reply(piotr, number, "Proszę o logi.", new_status="waiting_for_customer"
                 ).status_code == 303
    assert engineer.post(f"/tickets/{number}/reply", data=stale).status_code == 303
    page = engineer.get(f"/tickets/{number}").text
    assert "Sprawdzam." in page and _status(engineer, number) == "waiting_for_customer"


def _beat(client: TestClient, number: str):  # type: ignore[no-untyped-def]
    return client.post(f"/staff/tickets/{number}/presence",
                       data={"csrf_token": csrf_of(client, f"/tickets/{number}")})


def test_engineers_see_each_other_viewing_and_customers_see_nothing(
        jan, number, engineer, piotr, ticket_world):
    first = engineer.get(f"/tickets/{number}").text  # a page load records presence
    assert 'id="presence" data-url' in first and "hidden>" in first.split('id="presence"')[1]
    page = piotr.get(f"/tickets/{number}").text
    assert ('<strong>Teraz przegląda:</strong> <span id="presence-names">Ewa Inżynier</span>'
            in page)
    assert _beat(engineer, number).json() == {"viewing": ["Piotr Serwisant"]}
    customer = jan.get(f"/tickets/{number}").text
    assert "Teraz przegląda" not in customer and "presence" not in customer
    assert "Ewa Inżynier" not in customer
    assert _beat(jan, number).status_code == 404
    ticket_world.clock.advance(timedelta(seconds=61))
    assert _beat(engineer, number).json() == {"viewing": []}
    piotr.cookies.set("clico_lang", "en")
    engineer.get(f"/tickets/{number}")
    assert "<strong>Now viewing:</strong>" in piotr.get(f"/tickets/{number}").text


def test_the_presence_beat_needs_the_csrf_token(number, engineer):
    assert engineer.post(f"/staff/tickets/{number}/presence", data={}).status_code == 403
    assert engineer.get(f"/staff/tickets/{number}/presence").status_code == 405


def _save(client: TestClient, path: str, title: str, body: str, fmt: str = "text"):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf_token": csrf_of(client, "/staff/templates"),
                                   "title": title, "body": body, "format": fmt})


def _template_ids(page: str) -> dict[str, str]:
    return {title: tid for tid, title in
            re.findall(r'<a href="/staff/templates/([^"/]+)">([^<]+)</a>', page)}


def test_engineers_manage_templates_and_insert_one_filled_for_the_ticket(
        jan, number, engineer, piotr):
    listing = engineer.get("/staff/templates")
    assert listing.status_code == 200
    assert "<h1 id=\"page-heading\">Szablony odpowiedzi</h1>" in listing.text
    assert 'href="/staff/templates" aria-current="page">Szablony odpowiedzi' in listing.text
    made = _save(engineer, "/staff/templates", "Powitanie",
                 "<p>Dzień dobry {{ customer_name }}, zgłoszenie {{ ticket_number }} "
                 "{{ 7*7 }}</p><script>x()</script>", "html")
    assert made.status_code == 303
    assert "Szablon odpowiedzi został zapisany." in engineer.get(made.headers["location"]).text
    ids = _template_ids(engineer.get("/staff/templates").text)
    tid = ids["Powitanie"]
    page = piotr.get(f"/tickets/{number}").text
    assert '<option value="' + tid + '">Powitanie</option>' in page
    assert ">Wstaw szablon</button>" in page
    filled = piotr.get(f"/tickets/{number}?template={tid}").text
    expected = f"<p>Dzień dobry Jan Kowalski, zgłoszenie {number} {{{{ 7*7 }}}}</p>"
    assert html.escape(expected, quote=False) in filled  # in the reply box, as its text
    assert 'name="format" value="html"' in filled and "x()" not in filled
    assert piotr.get(f"/staff/templates/{tid}/filled?ticket={number}").json() == {
        "html": expected}
    edited = _save(engineer, f"/staff/templates/{tid}", "Powitanie 2", "Witam\n{{ ticket_number }}")
    assert edited.status_code == 303
    assert piotr.get(f"/staff/templates/{tid}/filled?ticket={number}").json() == {
        "html": f"<p>Witam<br>{number}</p>"}
    removed = engineer.post(f"/staff/templates/{tid}/delete",
                            data={"csrf_token": csrf_of(engineer, "/staff/templates")})
    assert removed.status_code == 303
    assert "Nie ma jeszcze szablonów odpowiedzi." in engineer.get("/staff/templates").text
    gone = piotr.get(f"/tickets/{number}?template={tid}").text
    assert "Ten szablon odpowiedzi już nie istnieje." in gone
    assert piotr.get(f"/staff/templates/{tid}/filled?ticket={number}").status_code == 404


def test_a_template_form_with_errors_keeps_what_was_typed(engineer):
    refused = _save(engineer, "/staff/templates", "", "Treść <szablonu>")
    assert refused.status_code == 400
    assert "To pole jest wymagane." in refused.text
    assert "Treść &lt;szablonu&gt;</textarea>" in refused.text
    engineer.cookies.set("clico_lang", "en")
    assert "<h1 id=\"page-heading\">Reply templates</h1>" in engineer.get("/staff/templates").text


def test_customers_reach_no_template_screen(jan, number, engineer):
    _save(engineer, "/staff/templates", "Logi", "Proszę o logi")
    tid = next(iter(_template_ids(engineer.get("/staff/templates").text).values()))
    assert jan.get("/staff/templates").status_code == 404
    assert jan.get(f"/staff/templates/{tid}").status_code == 404
    assert jan.get(f"/staff/templates/{tid}/filled?ticket={number}").status_code == 404
    token = csrf_of(jan, f"/tickets/{number}")
    assert jan.post("/staff/templates", data={"csrf_token": token, "title": "x",
                                              "body": "y"}).status_code == 404
    assert jan.post(f"/staff/templates/{tid}/delete",
                    data={"csrf_token": token}).status_code == 404
    page = jan.get(f"/tickets/{number}?template={tid}").text
    assert "Proszę o logi" not in page and "Szablony odpowiedzi" not in page
    assert len(_template_ids(engineer.get("/staff/templates").text)) == 1
