"""The articles of tickets: a thread walks ``ix_articles_ticket_created`` by keyset."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, select, tuple_

from clico_core.articles import Article, ArticleCursor, ArticleKind, ArticlePage
from clico_core.errors import ConcurrencyConflict

from ..mapping import article_from, article_values
from ..tables import articles
from .base import SqlRepository

_CONFLICTS = {
    "pk_articles": "article exists",
    "uq_articles_author_id_idempotency_key": "idempotency key used",
}


def _visible(ticket_id: str, include_internal: bool) -> list[ColumnElement[Any]]:
    """The thread's rows a viewer may see: notes are excluded by the query itself."""
    conditions: list[ColumnElement[Any]] = [articles.c.ticket_id == ticket_id]
    if not include_internal:
        conditions.append(articles.c.kind != ArticleKind.INTERNAL_NOTE.value)
    return conditions


class SqlArticles(SqlRepository):
    def add(self, article: Article) -> None:
        self.uow.insert_guarded(
            articles, article_values(article),
            lambda name: ConcurrencyConflict(_CONFLICTS[name]) if name in _CONFLICTS else None)

    def get(self, article_id: str) -> Article | None:
        row = self.uow.execute(select(articles).where(articles.c.id == article_id)
                               ).mappings().first()
        return article_from(row) if row else None

    def get_by_idempotency_key(self, author_id: str, key: str) -> Article | None:
        row = self.uow.execute(select(articles).where(
            articles.c.author_id == author_id, articles.c.idempotency_key == key)
        ).mappings().first()
        return article_from(row) if row else None

    def page_for(self, ticket_id: str, *, include_internal: bool,
                 after: ArticleCursor | None, limit: int) -> ArticlePage:
        """One more row than asked tells whether another page follows."""
        query = select(articles).where(*_visible(ticket_id, include_internal))
        if after is not None:
            query = query.where(tuple_(articles.c.created_at, articles.c.id) > tuple_(
                bindparam("after_at", after.created_at, type_=articles.c.created_at.type),
                bindparam("after_id", after.id, type_=articles.c.id.type)))
        query = query.order_by(articles.c.created_at, articles.c.id).limit(limit + 1)
        rows = [article_from(r) for r in self.uow.execute(query).mappings()]
        page = rows[:limit]
        more = len(rows) > limit and page
        return ArticlePage(tuple(page), ArticleCursor(page[-1].created_at, page[-1].id)
                           if more else None)

    def count_for(self, ticket_id: str, *, include_internal: bool) -> int:
        return int(self.uow.execute(select(func.count()).select_from(articles).where(
            *_visible(ticket_id, include_internal))).scalar_one())
