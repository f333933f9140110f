"""``Zarejestruj kontrakt``, ``Kontrakty``, ``Moje Zasoby``, ``Klient``, ``Baza Wiedzy``."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from clico_core.mail import MailTemplate
from clico_web import create_app

from .web_fixtures import BASE_URL, PASSWORD, TODAY, TestClient, form_post, sign_in_web

PL = {"accept-language": "pl"}


@pytest.fixture
def jan(client, web_world, issued):
    web_world.register("jan", contract=issued)
    sign_in_web(client, web_world)
    return client


def register(client, number: str, key: str):
    return form_post(client, "/contracts/register",
                     {"contract_number": number, "contract_key": key})


def test_register_contract_page_shows_the_guides_strings(jan):
    page = jan.get("/contracts/register")
    assert '<label for="f-contract_number">Numer kontraktu</label>' in page.text
    assert '<label for="f-contract_key">Klucz kontraktu</label>' in page.text
    assert "Zastosuj" in page.text


def test_activating_a_second_contract_lists_both_with_their_assets(jan, web_world, issued):
    second = web_world.issue("C-2", "Acme", assets=[("FG-100F", "FORTINET", "FGT-77")])
    response = register(jan, "C-2", second.activation_key)
    assert response.status_code == 303
    assert response.headers["location"] == "/contracts?activated=1"
    page = jan.get(response.headers["location"])
    assert "Kontrakt został aktywowany." in page.text
    for text in ("C-1", "C-2", "Acme", "standard", "PAN-PA-450", "FG-100F", "FGT-77",
                 "Ilość elementów: 2", "Firma", "Ważny do", "Objęte zasoby"):
        assert text in page.text, text
    detail = jan.get(f"/contracts/{second.contract.id}")
    assert detail.status_code == 200
    assert "FG-100F" in detail.text
    assert "FORTINET" in detail.text


@pytest.mark.parametrize(("number", "key_of", "status", "message"), [
    ("NOPE-1", None, 400, "Numer lub klucz kontraktu jest nieprawidłowy."),
    ("C-2", "wrong", 400, "Numer lub klucz kontraktu jest nieprawidłowy."),
    ("C-OLD", "right", 400, "Ten kontrakt nie jest dziś ważny"),
    ("C-1", "right", 409, "Ten kontrakt jest już aktywny na Twoim koncie."),
    ("", "right", 400, "To pole jest wymagane."),
])
def test_clear_errors_when_a_contract_cannot_be_activated(jan, web_world, issued, number,
                                                          key_of, status, message):
    web_world.issue("C-2", "Acme")
    old = web_world.issue("C-OLD", "Acme", valid_from=TODAY - timedelta(days=400), days=-10)
    keys = {"C-1": issued.activation_key, "C-OLD": old.activation_key, "": "x"}
    key = keys.get(number, "x") if key_of == "right" else "WRONG-KEY-123"
    page = register(jan, number, key)
    assert page.status_code == status
    assert message in page.text
    assert f'value="{number}"' in page.text or not number


def test_an_unknown_number_and_a_wrong_key_get_the_same_page(jan, web_world):
    web_world.issue("C-2", "Acme")
    unknown, wrong = register(jan, "C-404", "WRONG-KEY"), register(jan, "C-2", "WRONG-KEY")
    strip = re.compile(r'name="csrf_token" value="[0-9a-f]+"')
    assert unknown.status_code == wrong.status_code == 400
    assert (strip.sub("", unknown.text).replace('value="C-404"', 'value="C-2"')
            == strip.sub("", wrong.text))
    assert "Numer lub klucz kontraktu jest nieprawidłowy." in wrong.text
    form_post(jan, "/language", {"language": "en", "next": "/contracts/register"},
              token_from="/contracts/register")
    assert "The contract number or key is wrong." in register(jan, "C-404", "x").text


def test_wrong_keys_are_limited(jan, web_world):
    web_world.issue("C-2", "Acme")
    statuses = [register(jan, "C-2", f"WRONG-{i}").status_code for i in range(11)]
    assert statuses[-1] == 429
    assert set(statuses[:10]) == {400}
    limited = register(jan, "C-2", "WRONG")
    assert 0 < int(limited.headers["retry-after"]) <= 3600
    assert "Zbyt wiele prób. Spróbuj ponownie za" in limited.text


def test_wrong_keys_for_a_number_do_not_block_the_holder_of_its_key(
        jan, web_world, web_settings, issued):
    """10 wrong keys for C-T from one account: that account waits, nobody else does."""
    target = web_world.issue("C-T", "Acme")
    web_world.register("eve", contract=web_world.issue("C-EVE", "Evil"))
    app = create_app(web_settings, services=web_world.services)
    with TestClient(app, base_url=BASE_URL, follow_redirects=False,
                    client=("198.51.100.66", 50000)) as eve:
        sign_in_web(eve, web_world, "eve")
        statuses = [register(eve, "C-T", f"WRONG-{i}").status_code for i in range(11)]
        assert statuses[-1] == 429
        assert register(eve, "C-T", target.activation_key).status_code == 429
    # the rightful holder, signed in on another account, activates it
    activated = register(jan, "C-T", target.activation_key)
    assert activated.status_code == 303
    # and a sign-up with it from a fresh address works
    with TestClient(app, base_url=BASE_URL, follow_redirects=False,
                    client=("203.0.113.77", 50000)) as fresh:
        done = form_post(fresh, "/signup", {
            "login": "ola", "email": "ola@example.com", "first_name": "Ola",
            "last_name": "Nowak", "password": PASSWORD, "password_confirm": PASSWORD,
            "phone": "+48 600 100 200", "contract_number": "C-T",
            "activation_code": target.activation_key, "company": "Acme"})
        assert done.status_code == 200
    assert web_world.last_mail(MailTemplate.CONFIRM_EMAIL, "ola@example.com")


def test_another_accounts_contract_and_unknown_ids_are_404(jan, web_world):
    other = web_world.issue("C-9", "Other Company")
    web_world.register("ola", contract=other, company="Other Company")
    for path in (f"/contracts/{other.contract.id}", "/contracts/does-not-exist",
                 "/contracts/" + "x" * 500):
        page = jan.get(path)
        assert page.status_code == 404, path
        assert "Nie znaleziono strony." in page.text
    assert "C-9" not in jan.get("/contracts").text


def test_my_assets_pages_by_category(jan, web_world):
    assets = [(f"PA-{i:02}", "PALO_ALTO", f"SN-{i:02}") for i in range(12)]
    second = web_world.issue("C-2", "Acme", assets=[*assets, ("FG-1", "FORTINET", "MAC-1")])
    register(jan, "C-2", second.activation_key)
    page = jan.get("/assets")
    for text in ("Moje Zasoby", "Nazwa", "Producent", "SN/MAC", "Ilość elementów: 14",
                 "PALO_ALTO", "default"):
        assert text in page.text, text
    small = jan.get("/assets?category=PALO_ALTO&size=10")
    assert "Ilość elementów: 13" in small.text
    assert "PA-00" in small.text
    assert "PA-11" not in small.text
    assert "Strona 1 z 2" in small.text
    second_page = jan.get("/assets?category=PALO_ALTO&size=10&page=2")
    assert "PA-11" in second_page.text
    assert "FG-1" not in second_page.text
    # junk in the query never breaks the page
    for query in ("page=-1", "page=abc", "size=7", "page=99999999999", "category=nope",
                  "page=%C2%B2", "size=%D9%A3"):  # digits to str.isdigit, not to int()
        assert jan.get(f"/assets?{query}").status_code == 200, query
    junk = jan.get("/assets?category=%00")  # no category has such a name: an empty page
    assert junk.status_code == 200 and "Brak danych do wyświetlenia." in junk.text


def test_another_companys_assets_are_never_listed(jan, web_world):
    other = web_world.issue("C-9", "Other Company", assets=[("SECRET-BOX", "CISCO", "S-9")])
    web_world.register("ola", contract=other, company="Other Company")
    assert "SECRET-BOX" not in jan.get("/assets").text
    assert "SECRET-BOX" not in jan.get("/assets?category=default").text


def test_customer_and_knowledge_pages(jan, web_world, issued):
    web_world.register("ala", contract=issued, email="ala@example.com")
    customer = jan.get("/customer")
    assert "Klient" in customer.text
    assert "Acme" in customer.text
    assert "ala@example.com" in customer.text
    knowledge = jan.get("/knowledge")
    assert "Baza Wiedzy" in knowledge.text
    assert "Baza wiedzy nie zawiera jeszcze artykułów." in knowledge.text
