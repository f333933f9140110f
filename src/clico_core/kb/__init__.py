"""``Baza Wiedzy``: articles, who may read them, and searching them (docs/kb.md)."""

from .changes import KbChange, KbChangeKind
from .model import KbArticle, KbStatus, KbText, KbVersion, Visibility, fold, plain_text, slugify
from .policy import Audience, Reader, audience_of, may_read
from .ports import KbEventKind, KbListing, KbMatch, KbRepository, KbSearchIndex
from .search import (
    KbCursor,
    KbHit,
    KbHitPage,
    KbQuery,
    Snippet,
    Term,
    Terms,
    parse_terms,
)
from .snippets import make_snippet

__all__ = [
    "Audience", "KbArticle", "KbChange", "KbChangeKind", "KbCursor", "KbEventKind", "KbHit",
    "KbHitPage", "KbListing",
    "KbMatch", "KbQuery", "KbRepository", "KbSearchIndex", "KbStatus", "KbText", "KbVersion",
    "Reader", "Snippet", "Term", "Terms", "Visibility", "audience_of", "fold", "make_snippet",
    "may_read", "parse_terms", "plain_text", "slugify",
]
