"""Message catalogs and the choice of language.

The portal's own catalogs are ``locale/<language>/LC_MESSAGES/<domain>.po`` for each
domain of ``CATALOGS``; the labels it shares with the mails (ticket kinds and statuses, …)
come from the ``labels`` catalog of ``clico_adapters.i18n``, which also compiles them all in
memory (no ``.mo``).
"""

from __future__ import annotations

from pathlib import Path

from babel.support import Translations
from starlette.requests import Request

from clico_adapters.i18n import LABELS, CatalogFile
from clico_adapters.i18n import LANGUAGES as LANGUAGES  # re-exported: the portal's languages
from clico_adapters.i18n import load_translations as load_catalogs

LANGUAGE_NAMES = {"pl": "Polski", "en": "English"}
LANGUAGE_COOKIE = "clico_lang"
LOCALE_DIR = Path(__file__).parent / "locale"

# the portal's own; later catalogs merge into the first
CATALOGS = ("messages", "tickets", "attachments", "collaboration", "companies", "queue",
            "sla", "access", "reliability", "webhooks", "kb")
CATALOG_FILES = (*(CatalogFile(LOCALE_DIR, domain) for domain in CATALOGS), LABELS)


def load_translations(language: str) -> Translations:
    """The portal's catalogs and the shared labels of ``language``, compiled and merged."""
    return load_catalogs(language, CATALOG_FILES)


def load_all() -> dict[str, Translations]:
    return {language: load_translations(language) for language in LANGUAGES}


def _from_accept_language(header: str) -> str | None:
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().split("-")[0].lower()
        if primary in LANGUAGES and quality > 0:
            choices.append((-quality, index, primary))
    return min(choices)[2] if choices else None


def choose_language(request: Request, account_language: str | None, default: str) -> str:
    """The user's choice (cookie, then account), else ``Accept-Language``, else the default."""
    cookie = request.cookies.get(LANGUAGE_COOKIE, "")
    if cookie in LANGUAGES:
        return cookie
    if account_language in LANGUAGES:
        return str(account_language)
    return _from_accept_language(request.headers.get("accept-language", "")) or default
