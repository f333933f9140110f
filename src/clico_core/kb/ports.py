"""What the knowledge base needs from storage, as ``typing.Protocol``s: the articles with
their history (``KbRepository``) and the full-text index (``KbSearchIndex``). Both are
reached through the unit of work (``uow.kb``, ``uow.kb_search``)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Protocol

from attrs import frozen

from ..values import AccountId, Language
from .changes import KbChange
from .model import KbArticle, KbVersion, Visibility
from .policy import Audience
from .search import KbQuery


class KbEventKind(enum.StrEnum):
    VIEW = "view"  # the article was opened
    SUGGESTED_VIEW = "suggested_view"  # opened from a suggestion beside a new ticket
    SOLVED = "solved"  # ``To rozwiązało mój problem``


@frozen
class KbMatch:
    """One search result as an engine returns it: the best text of an article that the
    audience may read, its score (higher is better; comparable within one engine only)."""

    article_id: str
    language: Language
    title: str
    plain: str
    score: float
    vendors: tuple[str, ...]
    category: str
    updated_at: datetime
    visibility: Visibility
    published: bool


@frozen
class KbListing:
    article_id: str
    title: str  # in the reader's language, else the other one
    category: str
    vendors: tuple[str, ...]
    visibility: str
    published: bool
    updated_at: datetime


class KbRepository(Protocol):
    def add(self, article: KbArticle) -> None: ...
    def get(self, article_id: str) -> KbArticle | None: ...
    def update(self, article: KbArticle) -> bool:
        """Store everything but ``id``/``created_at``; False when it no longer exists."""
        ...

    def add_version(self, version: KbVersion) -> None: ...
    def versions(self, article_id: str) -> list[KbVersion]:
        """Every published version, newest first."""
        ...

    def add_change(self, change: KbChange) -> None: ...
    def changes(self, article_id: str) -> list[KbChange]:
        """Its unpublishings and file changes, newest first (ties: the last added first)."""
        ...

    def listing(self, audience: Audience, language: Language, *, category: str | None = None,
                vendor: str | None = None, limit: int = 200) -> list[KbListing]:
        """Articles the audience may read, most recently changed first."""
        ...

    def categories(self, audience: Audience) -> list[str]:
        """The categories of articles the audience may read, sorted."""
        ...

    def record(self, article_id: str, kind: KbEventKind, account_id: AccountId | None,
               at: datetime) -> None: ...
    def event_counts(self, since: datetime) -> dict[str, dict[KbEventKind, int]]:
        """Per article, how many events of each kind happened at or after ``since``."""
        ...


class KbSearchIndex(Protocol):
    def search(self, query: KbQuery) -> list[KbMatch]:
        """At most ``query.limit`` matches after ``query.after``, best first (score, then
        id); only published texts the audience may read, one per article (the text in the
        query's language, else the other); vendor and category filters applied. ``terms``
        is never empty here."""
        ...
