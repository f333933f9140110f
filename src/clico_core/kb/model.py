"""``Baza Wiedzy``: an article, its language versions, and every published version kept.

An article is written by staff in Polish and/or English (one article, up to two texts); a
reader is shown the text in their language, else the other one (``KbArticle.text_in``). It
belongs to one category, carries vendor tags (the asset vendor codes, ``PALO_ALTO``…), a
visibility and a status. Publishing stores the article's content as a new numbered
``KbVersion`` (who and when); restoring publishes an old version's content again.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from html.parser import HTMLParser

from attrs import frozen

from ..values import AccountId, Language

MAX_TITLE = 200
MAX_CATEGORY = 80
MAX_VENDORS = 10
VENDOR_CODE = re.compile(r"^[A-Z0-9_]{2,40}$")


class Visibility(enum.StrEnum):
    PUBLIC = "publiczny"  # anyone, without signing in
    CUSTOMERS = "klienci"  # signed-in customers (and staff)
    INTERNAL = "wewnętrzny"  # staff only


class KbStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


@frozen
class KbText:
    """One language version: the title and the sanitised HTML body."""

    language: Language
    title: str
    body: str

    @property
    def plain(self) -> str:
        """The body as plain text (what search indexes and snippets are cut from)."""
        return plain_text(self.body)


@frozen
class KbArticle:
    id: str
    category: str
    vendors: tuple[str, ...]
    visibility: Visibility
    status: KbStatus
    texts: tuple[KbText, ...]  # one per language, Polish first
    author_id: AccountId
    created_at: datetime
    updated_at: datetime
    version: int = 0  # the number of the latest published version; 0: never published
    source_ticket: str | None = None  # the ticket an engineer turned into this draft

    def text_in(self, language: Language) -> KbText:
        """The text in ``language``, else the other one (every article has at least one)."""
        for text in self.texts:
            if text.language is language:
                return text
        return self.texts[0]

    @property
    def published(self) -> bool:
        return self.status is KbStatus.PUBLISHED

    def slug(self, language: Language) -> str:
        return slugify(self.text_in(language).title)


@frozen
class KbVersion:
    """A published state of an article, kept for its history and for restoring."""

    article_id: str
    number: int
    category: str
    vendors: tuple[str, ...]
    visibility: Visibility
    texts: tuple[KbText, ...]
    published_by: AccountId
    published_by_name: str  # as it was when published
    published_at: datetime


def ordered_texts(texts: Iterable[KbText]) -> tuple[KbText, ...]:
    """One text per language, Polish first (the last one given for a language wins)."""
    by_language = {text.language: text for text in texts}
    return tuple(by_language[lang] for lang in Language if lang in by_language)


def slugify(title: str) -> str:
    """``Zrywa się tunel VPN`` → ``zrywa-sie-tunel-vpn`` (ASCII, at most 80 characters)."""
    folded = fold(title)
    words = re.findall(r"[a-z0-9]+", folded)
    return "-".join(words)[:80].strip("-") or "artykul"


_EXTRA_FOLDS = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "đ": "d"})


def fold(text: str) -> str:
    """Lower case without diacritics (``Łódź`` → ``lodz``): how both search engines compare."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


class _TextCollector(HTMLParser):
    _BREAKS = frozenset({"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "pre",
                         "blockquote", "ul", "ol", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def plain_text(body: str) -> str:
    """The text of sanitised HTML, whitespace collapsed and control characters dropped."""
    collector = _TextCollector()
    collector.feed(body)
    collector.close()
    return " ".join(_CONTROL.sub(" ", "".join(collector.parts)).split())
