"""The ticket screens' gettext catalogs: every label in Polish and English, the Polish ones as
the product shows them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ..ticket_fixtures import NOTICE


def _ticket_msgids() -> set[str]:
    from babel.messages.extract import extract_from_file

    from clico_web.routes import ticket_labels

    web = Path(ticket_labels.__file__).parent.parent
    found = set(ticket_labels.ALL_MSGIDS)
    for template in [web / "templates/portal/tickets.html", *(web / "templates/tickets").glob(
            "*.html")]:
        for _, message, _, _ in extract_from_file("jinja2", template):
            found.update(m for m in (message if isinstance(message, tuple) else (message,)) if m)
    for source in (web / "routes").glob("ticket*.py"):
        found.update(re.findall(r'gettext\(\s*request,\s*"([^"]+)"', source.read_text()))
    return found


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_tickets_catalog_is_complete(language):
    from babel.messages.pofile import read_po

    from clico_web.i18n import LOCALE_DIR

    with (LOCALE_DIR / language / "LC_MESSAGES" / "tickets.po").open("rb") as handle:
        messages = {m.id: m.string for m in read_po(handle, locale=language) if m.id}
    assert not sorted(_ticket_msgids() - messages.keys())
    assert all(messages.values())
    if language == "pl":
        polish = set(messages.values())
        for text in [NOTICE, "Nowe zgłoszenie", "Podstawowe informacje", "Dodatkowe informacje",
                     "Dodaj zasób", "Typ relacji zgłoszenia", "Opis", "Priorytet", "Utwórz",
                     "Pokaż zamknięte", "Pokaż filtry", "Numer zgłoszenia", "Temat",
                     "Data modyfikacji", "Firma", "Wiek", "Status", "Nazwa", "Producent",
                     "Brak danych do wyświetlenia.", "Ilość elementów: %(count)s"]:
            assert text in polish, text
