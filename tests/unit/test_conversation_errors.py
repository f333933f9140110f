"""The conversation's refusals reach a person as a clear message in both languages (409: the
ticket's state, not the request's form, is in the way), never as the generic fallback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clico_core.errors import ClicoError, TicketClosed, TransitionNotAllowed
from clico_web.errors import DEFAULT, info_for
from clico_web.i18n import load_translations

CLOSED_AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SHOWN = {
    "ticket_closed": {
        "pl": "To zgłoszenie jest zamknięte. Aby kontynuować, otwórz je ponownie lub utwórz "
              "nowe zgłoszenie nawiązujące do niego.",
        "en": "This ticket is closed. To go on, reopen it or open a new ticket that follows "
              "it up.",
    },
    "transition_not_allowed": {
        "pl": "Tego zgłoszenia nie można przenieść do wybranego statusu.",
        "en": "This ticket cannot be moved to the chosen status.",
    },
}


@pytest.mark.parametrize("error", [
    TicketClosed(CLOSED_AT, CLOSED_AT + timedelta(days=14)),
    TicketClosed(CLOSED_AT, None),
    TransitionNotAllowed("closed", "new"),
], ids=lambda e: f"{e.code}-{e}")
@pytest.mark.parametrize("language", ["pl", "en"])
def test_a_refused_change_has_its_own_message(error: ClicoError, language: str) -> None:
    info = info_for(error)
    assert info != DEFAULT
    assert info.status == 409
    assert load_translations(language).gettext(info.message) == SHOWN[error.code][language]
