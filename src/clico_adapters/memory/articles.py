"""The articles of tickets, in memory; notes are filtered out before anything is copied."""

from __future__ import annotations

from clico_core.articles import Article, ArticleCursor, ArticlePage
from clico_core.errors import ConcurrencyConflict

from .store import MemoryStore, UndoLog, fresh


class MemoryArticles:
    def __init__(self, store: MemoryStore, undo: UndoLog) -> None:
        self.store = store
        self.undo = undo

    def add(self, article: Article) -> None:
        if article.id in self.store.articles:
            raise ConcurrencyConflict("article exists")
        if article.idempotency_key is not None and self.get_by_idempotency_key(
                article.author_id, article.idempotency_key) is not None:
            raise ConcurrencyConflict("idempotency key used")
        self.undo.put(self.store.articles, article.id, article)

    def get(self, article_id: str) -> Article | None:
        return fresh(self.store.articles.get(article_id))

    def get_by_idempotency_key(self, author_id: str, key: str) -> Article | None:
        return fresh(next((a for a in self.store.articles.values()
                           if a.author_id == author_id and a.idempotency_key == key), None))

    def _thread(self, ticket_id: str, include_internal: bool) -> list[Article]:
        return sorted((a for a in self.store.articles.values()
                       if a.ticket_id == ticket_id and (include_internal or a.kind.public)),
                      key=lambda a: (a.created_at, a.id))

    def page_for(self, ticket_id: str, *, include_internal: bool,
                 after: ArticleCursor | None, limit: int) -> ArticlePage:
        rest = [a for a in self._thread(ticket_id, include_internal)
                if after is None or (a.created_at, a.id) > (after.created_at, after.id)]
        page = rest[:limit]
        more = len(rest) > limit
        return ArticlePage(tuple(fresh(page)), ArticleCursor(page[-1].created_at, page[-1].id)
                           if more and page else None)

    def count_for(self, ticket_id: str, *, include_internal: bool) -> int:
        return len(self._thread(ticket_id, include_internal))
