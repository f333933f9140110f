"""Matching typed terms against a text, as the engines do: the in-memory search's scoring
and the highlighted snippet every engine's results are shown with.

Words are runs of letters and digits compared folded (``fold``: lower case, no diacritics),
so ``zrywa sie`` matches ``Zrywa się`` and ``PA-450`` is the words ``pa`` and ``450``.
"""

from __future__ import annotations

import functools
import itertools
import re

from .model import fold
from .search import Snippet, Term, Terms

SNIPPET_WORDS = 28
TITLE_WEIGHT = 4.0
_WORD = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=65_536)
def _folded_word(word: str) -> str:
    return word.lower() if word.isascii() else fold(word)


def folded_words(text: str) -> list[str]:
    """The folded words of ``text``: one ``findall``, each distinct word folded once per
    process (``make_snippet`` asks for the positions of the words it shows only)."""
    return [_folded_word(word) for word in _WORD.findall(text)]


def _word_matches(word: str, token: str, prefix: bool) -> bool:
    return token.startswith(word) if prefix else token == word


def occurrences(term: Term, words: list[str]) -> list[int]:
    """Where in ``words`` the term starts (a phrase: its words one after another)."""
    size = len(term.words)
    last = size - 1
    first = term.words[0]
    if size == 1 and term.prefix:
        starts = [i for i, w in enumerate(words) if w.startswith(first)]
    else:
        starts = [i for i, w in enumerate(words[:len(words) - last]) if w == first]
    if size == 1:
        return starts
    return [start for start in starts
            if all(_word_matches(w, words[start + k], term.prefix and k == last)
                   for k, w in enumerate(term.words[1:], 1))]


def score(title: str, plain: str, terms: Terms) -> float | None:
    """The in-memory engine's score (None: some term is missing): every term must occur in
    the title or the body; a title occurrence counts ``TITLE_WEIGHT`` times a body one."""
    title_words = folded_words(title)
    body_words = folded_words(plain)
    total = 0.0
    for term in terms.terms:
        in_title = len(occurrences(term, title_words))
        in_body = len(occurrences(term, body_words))
        if not in_title and not in_body:
            return None
        total += TITLE_WEIGHT * min(in_title, 3) + min(in_body, 3)
    return round(total / (1.0 + len(body_words) / 400.0), 6)


def make_snippet(plain: str, terms: Terms, size: int = SNIPPET_WORDS) -> Snippet:
    """About ``size`` words of ``plain`` around the first match, the matched words marked;
    the opening words when nothing in the body matches."""
    words = folded_words(plain)
    marked: set[int] = set()
    for term in terms.terms:
        for start in occurrences(term, words):
            marked.update(range(start, start + len(term.words)))
    first = min(marked) if marked else 0
    begin = max(0, first - size // 3)
    end = min(len(words), begin + size)
    if not words:
        return Snippet(((plain[:200], False),) if plain else ())
    # the positions of the shown words (and of the one after them) only
    spans = [m.span() for m in itertools.islice(_WORD.finditer(plain), begin, end + 1)]
    segments: list[tuple[str, bool]] = []
    if begin > 0:
        segments.append(("… ", False))
    position = spans[0][0]
    for index in range(begin, end):
        start, stop = spans[index - begin]
        if start > position:
            segments.append((plain[position:start], False))
        segments.append((plain[start:stop], index in marked))
        position = stop
    tail_end = spans[end - begin][0] if end < len(words) else len(plain)
    tail = plain[position:tail_end].rstrip()
    if tail:
        segments.append((tail, False))
    if end < len(words):
        segments.append((" …", False))
    merged: list[tuple[str, bool]] = []
    for text, high in segments:
        if merged and merged[-1][1] == high:
            merged[-1] = (merged[-1][0] + text, high)
        else:
            merged.append((text, high))
    return Snippet(tuple(merged))
