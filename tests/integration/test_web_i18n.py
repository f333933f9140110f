"""Both languages: complete catalogs, the guide's strings, the switcher, the choice of language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from clico_web import app as app_module
from clico_web import errors, i18n, rendering
from clico_web.i18n import LANGUAGES, _from_accept_language

from .web_fixtures import form_post, sign_in_web

WEB = Path(rendering.__file__).parent
GUIDE_POLISH = ["Aktywności", "Klient", "Zasoby", "Moje Zasoby", "Baza Wiedzy", "Kontrakty",
                "Zarejestruj kontrakt", "Numer kontraktu", "Klucz kontraktu", "Zastosuj",
                "Numer zgłoszenia", "Temat", "Data modyfikacji", "Firma", "Wiek", "Status",
                "Brak danych do wyświetlenia.", "Ilość elementów: %(count)s", "Nazwa",
                "Producent", "Nowe zgłoszenie"]
GUIDE_ENGLISH = ["Login", "Password", "Forgot my password", "Sign Up",
                 "A code has been sent to your email address", "Enter your code", "Submit",
                 "Login or email", "Enter your login or email",
                 "Your password has been reset. Check your email for further instructions.",
                 "Enter your password", "Confirm password", "Password has been changed.",
                 "Email", "First name", "Last name", "Phone Number", "Contract Number",
                 "Activation Code", "Company", "Email has been confirmed."]


def catalog(language: str) -> list[Message]:
    """Every message of every catalog the app loads for ``language`` (the shared labels too)."""
    messages: list[Message] = []
    for catalog_file in i18n.CATALOG_FILES:
        with catalog_file.path(language).open("rb") as handle:
            messages.extend(read_po(handle, locale=language))
    return messages


def used_msgids() -> set[str]:
    found: set[str] = set()
    for template in (WEB / "templates").rglob("*.html"):
        with template.open("rb") as handle:
            for _, _, message, _ in babel_extract(handle, ["_", "gettext"], [], {}):
                found.update(m for m in (message if isinstance(message, tuple) else (message,))
                             if m)
    found.update(info.message for info in errors.ERRORS.values())
    found.update(errors.FIELD_ERRORS.values())
    found.update(app_module.ERROR_TITLES.values())
    found.update(rendering.STATUS_LABELS.values())
    for source in (WEB / "routes").glob("*.py"):
        found.update(re.findall(r'gettext\(\s*request,\s*"([^"]+)"', source.read_text()))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    messages = {m.id: m for m in catalog(language) if m.id}
    missing = sorted(used_msgids() - messages.keys())
    assert not missing
    for message in messages.values():
        assert message.string, message.id
        assert not message.fuzzy, message.id
        assert (set(re.findall(r"%\((\w+)\)s", message.id))
                == set(re.findall(r"%\((\w+)\)s", message.string))), message.id


def test_the_catalogs_carry_the_guides_strings_word_for_word():
    polish = {m.id: m.string for m in catalog("pl") if m.id}
    english = {m.id: m.string for m in catalog("en") if m.id}
    assert set(GUIDE_POLISH) <= set(polish.values())
    assert set(GUIDE_ENGLISH) <= set(english.values())


@pytest.mark.parametrize(("header", "expected"), [
    ("pl-PL,pl;q=0.9,en-US;q=0.8", "pl"), ("en-GB,en;q=0.9", "en"), ("de, en;q=0.5", "en"),
    ("fr", None), ("", None), ("en;q=0, pl;q=0.1", "pl"), ("pl;q=abc, en", "en"),
])
def test_accept_language(header, expected):
    assert _from_accept_language(header) == expected


def test_the_switcher_changes_the_language_of_every_page(client, web_world, issued):
    web_world.register("jan", contract=issued)
    sign_in_web(client, web_world)
    assert "Aktywności" in client.get("/tickets").text
    response = form_post(client, "/language", {"language": "en", "next": "/assets"},
                         token_from="/tickets")
    assert response.status_code == 303
    assert response.headers["location"] == "/assets"
    page = client.get("/tickets")
    assert '<html lang="en">' in page.text
    for text in ("Activities", "My Assets", "Knowledge Base", "Contracts", "Register contract",
                 "Ticket number", "No data to display.", "Number of items: 0"):
        assert text in page.text, text
    back = form_post(client, "/language", {"language": "pl", "next": "/tickets"},
                     token_from="/tickets")
    assert back.status_code == 303
    assert "Aktywności" in client.get("/tickets").text


def test_the_switcher_is_on_the_sign_in_screens_and_refuses_open_redirects(client):
    assert 'action="/language"' in client.get("/signin").text
    assert 'action="/language"' in client.get("/signup").text
    for target in ("//evil.example/x", "https://evil.example", "javascript:alert(1)"):
        response = form_post(client, "/language", {"language": "en", "next": target},
                             token_from="/signin")
        assert response.headers["location"] == "/", target
    bad = form_post(client, "/language", {"language": "de", "next": "/"}, token_from="/signin")
    assert bad.status_code == 400
    page = client.get("/signin", headers={"accept-language": "pl"})
    assert "Forgot my password" in page.text  # the chosen English wins over the header
