"""The five ticket statuses carry the product's labels, on the pages and in the mails."""

from __future__ import annotations

import pytest

from clico_adapters.mail import MailRenderer
from clico_adapters.mail.samples import SAMPLE_CONTEXTS
from clico_core.mail import MailTemplate, OutgoingMail
from clico_core.tickets import TicketStatus
from clico_core.values import Language
from clico_web.i18n import load_translations
from clico_web.rendering import STATUS_LABELS

LABELS = {
    "pl": {"new": "Nowe", "open": "W realizacji", "waiting_for_customer": "Oczekuje na klienta",
           "resolved": "Rozwiązane", "closed": "Zamknięte"},
    "en": {"new": "New", "open": "In progress", "waiting_for_customer": "Waiting for customer",
           "resolved": "Resolved", "closed": "Closed"},
}


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_pages_show_the_issues_labels(language: str) -> None:
    translations = load_translations(language)
    shown = {s.value: translations.gettext(STATUS_LABELS[s.value]) for s in TicketStatus}
    assert shown == LABELS[language]


@pytest.mark.parametrize("template", [MailTemplate.TICKET_CHANGED, MailTemplate.TICKET_REPLY])
@pytest.mark.parametrize("language", list(Language))
def test_the_mails_show_the_issues_labels(template: MailTemplate, language: Language) -> None:
    renderer = MailRenderer("https://support.example.com")
    for status, label in LABELS[language.value].items():
        context = dict(SAMPLE_CONTEXTS[template], status=status)
        parts = renderer.render_parts(OutgoingMail(template, "a@example.com", language, context))
        assert label in parts.text and label in parts.html, (status, language)
