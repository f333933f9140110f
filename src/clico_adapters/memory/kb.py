"""``Baza Wiedzy`` in memory: the articles, their versions, reader events, and a search that
scores as ``clico_core.kb.snippets.score`` says (the reference the SQL engines are
compared with in the conformance suite)."""

from __future__ import annotations

from datetime import datetime

from attrs import evolve

from clico_core.errors import ConcurrencyConflict
from clico_core.kb import (
    Audience,
    KbArticle,
    KbChange,
    KbEventKind,
    KbListing,
    KbMatch,
    KbQuery,
    KbVersion,
)
from clico_core.kb.snippets import score
from clico_core.values import Language

from .store import MemoryStore, UndoLog, fresh


class MemoryKb:
    def __init__(self, store: MemoryStore, undo: UndoLog) -> None:
        self.store = store
        self.undo = undo

    def add(self, article: KbArticle) -> None:
        if article.id in self.store.kb_articles:
            raise ConcurrencyConflict("article exists")
        self.undo.put(self.store.kb_articles, article.id, article)

    def get(self, article_id: str) -> KbArticle | None:
        return fresh(self.store.kb_articles.get(article_id))

    def update(self, article: KbArticle) -> bool:
        old = self.store.kb_articles.get(article.id)
        if old is None:
            return False
        self.undo.put(self.store.kb_articles, article.id,
                      evolve(article, created_at=old.created_at))
        return True

    def add_version(self, version: KbVersion) -> None:
        key = (version.article_id, version.number)
        if key in self.store.kb_versions:
            raise ConcurrencyConflict("version exists")
        self.undo.put(self.store.kb_versions, key, version)

    def versions(self, article_id: str) -> list[KbVersion]:
        rows = [v for (a, _), v in self.store.kb_versions.items() if a == article_id]
        return fresh(sorted(rows, key=lambda v: -v.number))

    def add_change(self, change: KbChange) -> None:
        self.undo.append(self.store.kb_changes, change)

    def changes(self, article_id: str) -> list[KbChange]:
        rows = [(c.at, n, c) for n, c in enumerate(self.store.kb_changes)
                if c.article_id == article_id]  # ties: the one written last first
        return fresh([c for _, _, c in sorted(rows, key=lambda r: (r[0], r[1]), reverse=True)])

    def _readable(self, audience: Audience) -> list[KbArticle]:
        return [a for a in self.store.kb_articles.values() if audience.admits(a)]

    def listing(self, audience: Audience, language: Language, *, category: str | None = None,
                vendor: str | None = None, limit: int = 200) -> list[KbListing]:
        rows = [a for a in self._readable(audience)
                if (category is None or a.category == category)
                and (vendor is None or vendor in a.vendors)]
        rows.sort(key=lambda a: (-a.updated_at.timestamp(), a.id))
        return [KbListing(a.id, a.text_in(language).title, a.category, a.vendors,
                          a.visibility.value, a.published, a.updated_at)
                for a in rows[:limit]]

    def categories(self, audience: Audience) -> list[str]:
        return sorted({a.category for a in self._readable(audience) if a.category})

    def record(self, article_id: str, kind: KbEventKind, account_id: str | None,
               at: datetime) -> None:
        self.undo.append(self.store.kb_events, (article_id, kind, account_id, at))

    def event_counts(self, since: datetime) -> dict[str, dict[KbEventKind, int]]:
        counts: dict[str, dict[KbEventKind, int]] = {}
        for article_id, kind, _, at in self.store.kb_events:
            if at >= since:
                by_kind = counts.setdefault(article_id, {})
                by_kind[kind] = by_kind.get(kind, 0) + 1
        return counts


class MemoryKbSearch:
    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def search(self, query: KbQuery) -> list[KbMatch]:
        matches: list[KbMatch] = []
        for article in self.store.kb_articles.values():
            if not article.published or not query.audience.admits(article):
                continue
            if query.vendor is not None and query.vendor not in article.vendors:
                continue
            if query.category is not None and article.category != query.category:
                continue
            text = article.text_in(query.language)
            plain = text.plain
            found = score(text.title, "" if query.titles else plain, query.terms)
            if found is None:
                continue
            matches.append(KbMatch(article.id, text.language, text.title, plain, found,
                                   article.vendors, article.category, article.updated_at,
                                   article.visibility, article.published))
        # the candidates: the most recently indexed matches (an article is indexed when it
        # is published or changed, at its ``updated_at``), as the SQL engines take them
        matches.sort(key=lambda m: m.updated_at, reverse=True)
        matches = matches[:query.candidates]
        matches.sort(key=lambda m: (-m.score, m.article_id))
        if query.after is not None:
            after = query.after
            matches = [m for m in matches if m.score < after.score
                       or (m.score == after.score and m.article_id > after.article_id)]
        return matches[:query.limit]
