"""Message catalogs and the choice of language.

The ``.po`` files are the only source of truth: they are compiled in memory at start-up
(``read_po`` then ``write_mo`` into a buffer), which takes milliseconds and means no binary
``.mo`` file is ever committed or can drift from its ``.po``.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import Request

LANGUAGES = ("pl", "en")
LANGUAGE_NAMES = {"pl": "Polski", "en": "English"}
LANGUAGE_COOKIE = "clico_lang"
LOCALE_DIR = Path(__file__).parent / "locale"


CATALOGS = ("messages", "tickets", "attachments")  # later ones are merged into the first


def _compile(language: str, domain: str) -> Translations:
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def load_translations(language: str) -> Translations:
    """Compile ``locale/<language>/LC_MESSAGES/<catalog>.po`` in memory, merged."""
    translations = _compile(language, CATALOGS[0])
    for domain in CATALOGS[1:]:
        translations.merge(_compile(language, domain))
    return translations


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
