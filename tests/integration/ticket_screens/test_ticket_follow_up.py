"""Follow-up tickets on the pages: 14 days after closing, the reply form gives way to
``Utwórz nowe zgłoszenie``, which opens the new-ticket form filled from the old ticket; the
new ticket links the old one and both pages name each other. Memory, SQLite, PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

from ..ticket_fixtures import PALO_ALTO_ANSWERS, form_values, post_ticket
from ..web_fixtures import BASE_URL, TestClient, csrf_of, sign_in_web

JUST_BEFORE = timedelta(days=13, hours=23)
JUST_AFTER = timedelta(days=14, hours=1)


def _close_and_wait(client: TestClient, world, number: str, wait: timedelta) -> None:  # type: ignore[no-untyped-def]
    closed = client.post(f"/tickets/{number}/close",
                         data={"csrf_token": csrf_of(client, f"/tickets/{number}")})
    assert closed.status_code == 303
    world.clock.advance(wait)
    sign_in_web(client, world, "jan")  # the session has long expired


def _value(page: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
    assert match, f"no {name} field"
    return match.group(1)


def test_within_14_days_the_reply_form_stays(jan, number, ticket_world):
    _close_and_wait(jan, ticket_world, number, JUST_BEFORE)
    page = jan.get(f"/tickets/{number}").text
    assert 'id="reply-form"' in page and 'name="reopen"' in page
    assert "Utwórz nowe zgłoszenie" not in page and 'id="follow-up"' not in page
    assert jan.get(f"/tickets/new?follows={number}").headers["location"] == (
        f"/tickets/{number}#reply")  # a reply reopens it: no follow-up yet


def test_after_14_days_a_button_replaces_the_reply_form(jan, number, ticket_world):
    _close_and_wait(jan, ticket_world, number, JUST_AFTER)
    page = jan.get(f"/tickets/{number}").text
    assert 'id="reply-form"' not in page and 'name="body"' not in page
    button = page[page.index('id="follow-up-form"'):]
    button = button[:button.index("</form>")]
    assert 'method="get" action="/tickets/new"' in page
    assert f'name="follows" value="{number}"' in button
    assert "Utwórz nowe zgłoszenie" in button
    jan.cookies.set("clico_lang", "en")
    assert "Open a follow-up ticket" in jan.get(f"/tickets/{number}").text


def test_the_follow_up_form_is_filled_from_the_old_ticket_and_links_it(
        jan, asset_id, ticket_world):
    old = post_ticket(jan, asset_id, subject="Tunnel flaps",
                      relation_type="configuration").headers["location"].rsplit("/", 1)[1]
    _close_and_wait(jan, ticket_world, old, JUST_AFTER)
    path = f"/tickets/new?follows={old}"
    form = jan.get(path)
    assert form.status_code == 200, form.text
    assert _value(form.text, "subject") == "Tunnel flaps"
    assert _value(form.text, "follows") == old and _value(form.text, "asset_id") == asset_id
    assert re.search(r'<option value="configuration" selected', form.text)
    assert f"To zgłoszenie jest kontynuacją zgłoszenia {old}" in form.text
    data = {**form_values(jan, path), "subject": "Tunnel flaps", "format": "text",
            "description": "It is back.", "priority": "high",
            "relation_type": "configuration", "asset_id": asset_id, "follows": old,
            **{f"q_{k}": v for k, v in PALO_ALTO_ANSWERS.items()}}
    created = jan.post("/tickets/new", data=data)
    assert created.status_code == 303, created.text
    new = created.headers["location"].rsplit("/", 1)[1]
    new_page = jan.get(f"/tickets/{new}").text
    assert re.search(rf'Kontynuacja zgłoszenia</dt><dd id="follows"><a href="/tickets/{old}">'
                     rf'{old}</a>', new_page)
    old_page = jan.get(f"/tickets/{old}").text
    assert re.search(rf'Kontynuowane w</dt><dd id="followed-by"><a href="/tickets/{new}">'
                     rf'{new}</a>', old_page)
    jan.cookies.set("clico_lang", "en")
    assert "Follow-up of" in jan.get(f"/tickets/{new}").text
    assert "Continued in" in jan.get(f"/tickets/{old}").text


def test_a_follow_up_of_an_open_or_foreign_ticket_is_refused(jan, number, tclient,
                                                             ticket_world):
    path = "/tickets/new"
    data = {**form_values(jan, path), "subject": "Sneaky", "description": "x",
            "format": "text", "priority": "normal", "relation_type": "portal",
            "follows": number}
    refused = jan.post(path, data=data)
    assert refused.status_code == 400
    assert 'id="e-follows"' in refused.text
    assert "Nowe zgłoszenie może być kontynuacją tylko zamkniętego zgłoszenia." in refused.text
    assert _value(refused.text, "subject") == "Sneaky"  # the typed text stays
    ticket_world.register("ola", contract=ticket_world.issue("C-9", "Beta"))
    with TestClient(tclient.app, base_url=BASE_URL, follow_redirects=False) as ola:
        sign_in_web(ola, ticket_world, "ola")
        assert ola.get(f"/tickets/new?follows={number}").status_code == 404
