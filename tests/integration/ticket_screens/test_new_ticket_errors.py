"""The new-ticket form's error paths: every mistake is shown beside its field with the typing
kept, foreign or expired assets are refused, and junk anywhere is a 4xx, never a 500."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest

from clico_core.tickets import MAX_DESCRIPTION

from ..ticket_fixtures import asset_id_of, form_values, listed, post_ticket, ticket_data
from ..web_fixtures import sign_in_web


def error_of(html: str, name: str) -> str:
    match = re.search(rf'<p class="field-error" id="e-{name}">([^<]*)</p>', html)
    assert match, f"no error shown for {name}"
    return match.group(1)


@pytest.mark.parametrize(("drop", "change", "field", "message"), [
    (("q_occurred_on",), {}, "q_occurred_on", "To pole jest wymagane."),
    ((), {"q_occurred_on": "yesterday"}, "q_occurred_on", "Podaj poprawną datę."),
    ((), {"q_production": "maybe"}, "q_production", "Wybierz tak lub nie."),
    ((), {"q_frequency": "hourly"}, "q_frequency", "Wybierz jedną z opcji."),
    ((), {"q_frequency": ""}, "q_frequency", "To pole jest wymagane."),
])
def test_missing_or_mistyped_answers_are_shown_beside_their_question(jan, asset_id, drop,
                                                                     change, field, message):
    data = {**form_values(jan, f"/tickets/new?asset={asset_id}"),
            **ticket_data(asset_id, subject="Typed subject", **change)}
    for name in drop:
        data.pop(name)
    page = jan.post("/tickets/new", data=data)
    assert page.status_code == 400
    assert "Odpowiedz na wszystkie pytania." in page.text
    assert error_of(page.text, field) == message
    assert 'value="Typed subject"' in page.text
    assert "PAN-PA-450" in page.text  # still technical
    assert 'value="2026-11-24"' in page.text or field == "q_occurred_on"


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"subject": ""}, "subject", "To pole jest wymagane."),
    ({"subject": "x" * 201}, "subject", "Wpisz jedną linię, najwyżej 200 znaków."),
    ({"description": "  "}, "description", "To pole jest wymagane."),
    ({"priority": "urgent"}, "priority", "Wybierz jedną z opcji."),
    ({"relation_type": "gossip"}, "relation_type", "Wybierz jedną z opcji."),
])
def test_basic_fields_errors_are_shown_beside_them(jan, change, field, message):
    page = post_ticket(jan, **change)
    assert page.status_code == 400
    assert "Popraw zaznaczone poniżej pola." in page.text
    assert error_of(page.text, field) == message


def test_a_too_large_description_is_refused_and_kept_out_of_the_database(jan):
    page = post_ticket(jan, description="a" * (MAX_DESCRIPTION + 10))
    assert page.status_code == 400
    assert error_of(page.text, "description") == "Ta wartość jest za długa."
    assert listed(jan.get("/tickets").text) == []


def test_a_huge_form_is_refused_cleanly(jan):
    assert post_ticket(jan, description="a" * 400_000).status_code == 413


@pytest.mark.parametrize("extra", [{"company_id": "x"}, {"status": "closed"}, {"q_": "x"}])
def test_unknown_fields_are_a_bad_request(jan, extra):
    assert post_ticket(jan, **extra).status_code == 400


def test_an_asset_of_another_company_posted_by_hand_is_refused(jan, ticket_world):
    ticket_world.issue("C-OTHER", "Other Co", assets=[("FG-100F", "FORTINET", "FGT-9")])
    foreign = asset_id_of(ticket_world, "C-OTHER")
    assert jan.get(f"/tickets/new?asset={foreign}").status_code == 400
    data = {**form_values(jan, "/tickets/new"), **ticket_data(foreign, subject="Sneaky")}
    page = jan.post("/tickets/new", data=data)
    assert page.status_code == 400
    assert error_of(page.text, "asset") == "Ten zasób nie jest objęty aktywnym wsparciem."
    assert 'value="Sneaky"' in page.text
    assert listed(jan.get("/tickets").text) == []
    unknown = post_ticket(jan, "no-such-asset")
    assert unknown.status_code == 400


def test_an_asset_whose_contract_expired_meanwhile_is_refused(tclient, ticket_world):
    short = ticket_world.issue("C-SHORT", "Acme", days=0)  # valid until the end of today
    ticket_world.register("jan", contract=short)
    sign_in_web(tclient, ticket_world)
    asset = asset_id_of(ticket_world, "C-SHORT")
    assert tclient.get(f"/tickets/new?asset={asset}").status_code == 200
    ticket_world.clock.advance(timedelta(hours=16))  # past midnight in Warsaw
    sign_in_web(tclient, ticket_world)  # the old session has timed out meanwhile
    data = {**form_values(tclient, "/tickets/new"), **ticket_data(asset, subject="Late")}
    page = tclient.post("/tickets/new", data=data)
    assert page.status_code == 400
    assert error_of(page.text, "asset") == "Ten zasób nie jest objęty aktywnym wsparciem."
    assert 'value="Late"' in page.text


# --- junk never makes a 500 -------------------------------------------------------------------

JUNK = ["\x00", "a\x00b", "\r\n\t", "ż" * 300, "<>&\"'", "😀" * 50, " ", "%00", "\u202e"]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_every_field_and_path_is_a_4xx_or_a_form_error(jan, asset_id, junk):
    path = "/tickets/" + quote(junk, safe="")
    assert jan.get(path).status_code == 404 or junk.strip() == ""
    assert jan.get("/tickets/new", params={"asset": junk}).status_code in (200, 400)
    assert jan.get("/tickets/new/assets", params={"category": junk, "page": junk,
                                                  "size": junk}).status_code == 200
    listing = jan.get("/tickets", params={"q": junk, "company": junk, "asset": junk,
                                          "from": junk, "sort": junk, "cursor": junk})
    assert listing.status_code in (200, 400)
    base = ticket_data(asset_id)
    for name in ["subject", "description", "priority", "relation_type", "asset_id",
                 "idempotency_key", "format", "q_occurred_on", "q_frequency", "q_production"]:
        data = {**form_values(jan, f"/tickets/new?asset={asset_id}"), **base, name: junk}
        response = jan.post("/tickets/new", data=data)
        assert response.status_code in (303, 400), (name, response.status_code)
