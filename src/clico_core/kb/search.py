"""Searching the knowledge base: what the reader typed, parsed once, and what comes back.

The typed text is never handed to an engine: it is cut into words (letters and digits only,
so no quote, operator, ``*`` or FTS syntax survives), a quoted run of words becomes a phrase
and the last bare word is matched as a prefix. Each engine renders ``Terms`` in its own
syntax from these words (docs/kb.md, "Ranking contract").

Snippets come back from the engines with ``MARK_START``/``MARK_END`` around the matches;
``Snippet.parse`` turns that into plain segments, so templates escape every character.
"""

from __future__ import annotations

import re
from datetime import datetime

from attrs import frozen

from ..values import Language
from .model import fold
from .policy import Audience

MAX_QUERY = 500  # characters of the typed text that are read; the rest is ignored
MAX_TERMS = 12
MAX_WORD = 60
PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
SUGGESTIONS = 5
MIN_PREFIX = 3  # suggestions: a shorter last word is matched whole, not as a prefix
# a search ranks at most this many matches: the most recently indexed ones (docs/kb.md,
# "Ranking contract", rule 6)
CANDIDATES = 1_000
MARK_START = "\x02"
MARK_END = "\x03"
_WORD = re.compile(r"[^\W_]+")
_QUOTED = re.compile(r'"([^"]*)"?')


@frozen
class Term:
    """Words that must follow each other (a phrase), or one word; ``prefix``: the last word
    may be the start of a longer one."""

    words: tuple[str, ...]
    prefix: bool = False


@frozen
class Terms:
    terms: tuple[Term, ...]

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(word for term in self.terms for word in term.words)


def _words(text: str) -> list[str]:
    return [word[:MAX_WORD] for word in _WORD.findall(fold(text))]


def parse_terms(typed: str) -> Terms:
    """``"zrywa się" tunel vp`` → phrase (zrywa, sie), tunel, prefix vp. Never fails."""
    text = typed[:MAX_QUERY]
    terms: list[Term] = []
    position = 0
    for match in _QUOTED.finditer(text):
        terms.extend(Term((word,)) for word in _words(text[position:match.start()]))
        phrase = tuple(_words(match.group(1)))
        if phrase:
            terms.append(Term(phrase))
        position = match.end()
    tail = text[position:]
    tail_words = _words(tail)
    terms.extend(Term((word,)) for word in tail_words)
    terms = terms[:MAX_TERMS]
    if tail_words and terms and terms[-1] == Term((tail_words[-1],)) \
            and not tail[-1:].isspace():
        terms[-1] = Term(terms[-1].words, prefix=True)
    return Terms(tuple(terms))


@frozen
class KbCursor:
    """Keyset position: the score and id of the last hit shown (scores are the engine's)."""

    score: float
    article_id: str

    def encode(self) -> str:
        return f"{self.score!r}~{self.article_id}"

    @classmethod
    def decode(cls, raw: str | None) -> KbCursor | None:
        if not raw or "~" not in raw or len(raw) > 120:
            return None
        score, _, article_id = raw.partition("~")
        try:
            value = float(score)
        except ValueError:
            return None
        if value != value or not re.fullmatch(r"[0-9a-f]{1,64}", article_id):  # NaN
            return None
        return cls(value, article_id)


@frozen
class KbQuery:
    """One page of a search, as repositories receive it."""

    terms: Terms
    audience: Audience
    language: Language
    vendor: str | None = None
    category: str | None = None
    after: KbCursor | None = None
    limit: int = PAGE_SIZE
    titles: bool = False  # match titles only (suggestions beside a new ticket)
    # rank only the newest this many matches (by indexing order; ``CANDIDATES``)
    candidates: int = CANDIDATES


@frozen
class Snippet:
    segments: tuple[tuple[str, bool], ...]  # (text, highlighted)

    @classmethod
    def parse(cls, marked: str) -> Snippet:
        segments: list[tuple[str, bool]] = []
        for index, part in enumerate(re.split(f"[{MARK_START}{MARK_END}]", marked)):
            if part:
                segments.append((part, index % 2 == 1))
        return cls(tuple(segments))

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.segments)


@frozen
class KbHit:
    article_id: str
    language: Language  # of the text that matched best
    title: str
    snippet: Snippet
    score: float
    vendors: tuple[str, ...]
    category: str
    updated_at: datetime


@frozen
class KbHitPage:
    hits: tuple[KbHit, ...]
    next: KbCursor | None
