"""``Baza Wiedzy`` on SQL: articles, versions and events (``SqlKb``) and the full-text
search of the published texts (``SqlKbSearch``) on PostgreSQL or SQLite (docs/kb.md).

Search statements are written out per engine; every value typed by a reader reaches them
as a bound parameter, and the match expression is built from the core's parsed words only
(letters and digits), each quoted, so no operator of either engine can be typed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, text, update

from clico_core.kb import (
    Audience,
    KbArticle,
    KbChange,
    KbChangeKind,
    KbEventKind,
    KbListing,
    KbMatch,
    KbQuery,
    KbStatus,
    KbText,
    KbVersion,
    Terms,
    Visibility,
)
from clico_core.values import Language

from ..engine import PLAN_EACH_TIME
from ..mapping import Row
from ..tables_kb import kb_articles, kb_changes, kb_events, kb_texts, kb_versions
from .base import SqlRepository


def _vendors(vendors: tuple[str, ...]) -> str:
    return f" {' '.join(vendors)} " if vendors else ""


def _vendor_tuple(raw: str) -> tuple[str, ...]:
    return tuple(raw.split())


def _texts_json(texts: tuple[KbText, ...]) -> list[list[str]]:
    return [[t.language.value, t.title, t.body] for t in texts]


def _texts_from(raw: list[list[str]]) -> tuple[KbText, ...]:
    return tuple(KbText(Language(lang), title, body) for lang, title, body in raw)


def _article_values(article: KbArticle) -> dict[str, Any]:
    return {"id": article.id, "category": article.category,
            "vendors": _vendors(article.vendors), "visibility": article.visibility.value,
            "status": article.status.value, "texts": _texts_json(article.texts),
            "author_id": article.author_id, "created_at": article.created_at,
            "updated_at": article.updated_at, "version": article.version,
            "source_ticket": article.source_ticket}


def _article_from(row: Row) -> KbArticle:
    return KbArticle(row["id"], row["category"], _vendor_tuple(row["vendors"]),
                     Visibility(row["visibility"]), KbStatus(row["status"]),
                     _texts_from(row["texts"]), row["author_id"], row["created_at"],
                     row["updated_at"], row["version"], row["source_ticket"])


def _audience_sql(audience: Audience) -> tuple[list[str], dict[str, Any]]:
    levels = sorted(v.value for v in audience.visibilities)
    names = [f"v{i}" for i in range(len(levels))]
    clause = f"t.visibility IN ({', '.join(':' + n for n in names)})"
    return [clause], dict(zip(names, levels, strict=True))


class SqlKb(SqlRepository):
    def add(self, article: KbArticle) -> None:
        self.uow.execute(insert(kb_articles).values(_article_values(article)))
        self._index(article)

    def get(self, article_id: str) -> KbArticle | None:
        row = self.uow.execute(select(kb_articles).where(kb_articles.c.id == article_id)
                               ).mappings().first()
        return _article_from(row) if row else None

    def update(self, article: KbArticle) -> bool:
        values = _article_values(article)
        del values["id"], values["created_at"]
        done = self.uow.execute(update(kb_articles).where(kb_articles.c.id == article.id)
                                .values(values)).rowcount
        if done:
            self._index(article)
        return bool(done)

    def _index(self, article: KbArticle) -> None:
        """The searchable rows: one per language of a published article, none otherwise."""
        self.uow.execute(delete(kb_texts).where(kb_texts.c.article_id == article.id))
        if not article.published:
            return
        rows = []
        for text_ in article.texts:
            serves = [lang.value for lang in Language
                      if article.text_in(lang).language is text_.language]
            rows.append({"article_id": article.id, "language": text_.language.value,
                         "serves": " ".join(serves), "title": text_.title,
                         "plain": text_.plain, "visibility": article.visibility.value,
                         "category": article.category,
                         "vendors": _vendors(article.vendors),
                         "updated_at": article.updated_at})
        self.uow.execute(insert(kb_texts), rows)

    def add_version(self, version: KbVersion) -> None:
        self.uow.execute(insert(kb_versions).values(
            article_id=version.article_id, number=version.number, category=version.category,
            vendors=_vendors(version.vendors), visibility=version.visibility.value,
            texts=_texts_json(version.texts), published_by=version.published_by,
            published_by_name=version.published_by_name, published_at=version.published_at))

    def versions(self, article_id: str) -> list[KbVersion]:
        c = kb_versions.c
        rows = self.uow.execute(select(kb_versions).where(c.article_id == article_id)
                                .order_by(c.number.desc())).mappings()
        return [KbVersion(r["article_id"], r["number"], r["category"],
                          _vendor_tuple(r["vendors"]), Visibility(r["visibility"]),
                          _texts_from(r["texts"]), r["published_by"], r["published_by_name"],
                          r["published_at"]) for r in rows]

    def add_change(self, change: KbChange) -> None:
        self.uow.execute(insert(kb_changes).values(
            article_id=change.article_id, kind=change.kind.value, by_id=change.by,
            by_name=change.by_name, at=change.at, detail=change.detail))

    def changes(self, article_id: str) -> list[KbChange]:
        c = kb_changes.c
        rows = self.uow.execute(select(kb_changes).where(c.article_id == article_id)
                                .order_by(c.at.desc(), c.id.desc())).mappings()
        return [KbChange(r["article_id"], KbChangeKind(r["kind"]), r["by_id"], r["by_name"],
                         r["at"], r["detail"]) for r in rows]

    def _readable(self, audience: Audience) -> Any:
        c = kb_articles.c
        query = select(kb_articles).where(
            c.visibility.in_(sorted(v.value for v in audience.visibilities)))
        if not audience.drafts:
            query = query.where(c.status == KbStatus.PUBLISHED.value)
        return query

    def listing(self, audience: Audience, language: Language, *, category: str | None = None,
                vendor: str | None = None, limit: int = 200) -> list[KbListing]:
        c = kb_articles.c
        query = self._readable(audience)
        if category is not None:
            query = query.where(c.category == category)
        if vendor is not None:
            query = query.where(c.vendors.contains(f" {vendor} ", autoescape=True))
        query = query.order_by(c.updated_at.desc(), c.id).limit(limit)
        articles = [_article_from(r) for r in self.uow.execute(query).mappings()]
        return [KbListing(a.id, a.text_in(language).title, a.category, a.vendors,
                          a.visibility.value, a.published, a.updated_at) for a in articles]

    def categories(self, audience: Audience) -> list[str]:
        query = self._readable(audience).with_only_columns(kb_articles.c.category).distinct()
        return sorted(r[0] for r in self.uow.execute(query) if r[0])

    def record(self, article_id: str, kind: KbEventKind, account_id: str | None,
               at: datetime) -> None:
        self.uow.execute(insert(kb_events).values(article_id=article_id, kind=kind.value,
                                                  account_id=account_id, at=at))

    def event_counts(self, since: datetime) -> dict[str, dict[KbEventKind, int]]:
        c = kb_events.c
        query = (select(c.article_id, c.kind, func.count()).where(c.at >= since)
                 .group_by(c.article_id, c.kind))
        counts: dict[str, dict[KbEventKind, int]] = {}
        for article_id, kind, count in self.uow.execute(query):
            counts.setdefault(article_id, {})[KbEventKind(kind)] = int(count)
        return counts


def tsquery(terms: Terms) -> str:
    """``'zrywa' <-> 'sie' & 'tun':*``: every word quoted, the last one of a prefix term
    marked ``:*``."""
    parts = []
    for term in terms.terms:
        words = [f"'{w}'" for w in term.words]
        if term.prefix:
            words[-1] += ":*"
        parts.append(words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")")
    return " & ".join(parts)


def fts5_match(terms: Terms) -> str:
    """``"zrywa sie" "tun"*``: each term a quoted FTS5 string (a phrase), all of them
    required."""
    return " ".join(f'"{" ".join(t.words)}"' + ("*" if t.prefix else "") for t in terms.terms)


_COLUMNS = ("t.article_id, t.language, t.title, t.plain, t.vendors, t.category, "
            "t.updated_at, t.visibility")


class SqlKbSearch(SqlRepository):
    def search(self, query: KbQuery) -> list[KbMatch]:
        where, params = _audience_sql(query.audience)
        where.append("t.serves LIKE :serves")
        params["serves"] = f"%{query.language.value}%"
        if query.vendor is not None:
            where.append("t.vendors LIKE :vendor ESCAPE '!'")
            escaped = query.vendor.replace("!", "!!").replace("%", "!%").replace("_", "!_")
            params["vendor"] = f"% {escaped} %"
        if query.category is not None:
            where.append("t.category = :category")
            params["category"] = query.category
        # Rank the candidates with the narrow columns only, then read the page's texts: the
        # sort never carries a body. Only fixed fragments are joined here; every value is a
        # bound parameter.
        params["candidates"] = query.candidates
        if self.uow.dialect == "postgresql":
            # titles only: their own small tsvector and GIN index (migration 0024)
            vector = "t.title_search" if query.titles else "t.search"
            where.append(f"{vector} @@ to_tsquery('clico_kb', :q)")
            params["q"] = tsquery(query.terms)
            # the candidates (the newest matches, by the serial id each indexing takes)
            # before any score: a common word's newest matches are found walking the primary
            # key backwards, a rare word's through the GIN index; ts_rank reads only theirs
            candidates = (f"SELECT t.id, t.article_id, {vector} AS vector "  # noqa: S608
                          f"FROM kb_texts t WHERE {' AND '.join(where)} "
                          "ORDER BY t.id DESC LIMIT :candidates")
            ranked = ("SELECT c.id, c.article_id, "  # noqa: S608
                      "ts_rank(c.vector, to_tsquery('clico_kb', :q))::float8 AS score "
                      f"FROM ({candidates}) AS c")
        else:
            where.append("kb_fts MATCH :q")
            match = fts5_match(query.terms)
            params["q"] = f"title : ({match})" if query.titles else match
            # the candidates: FTS5 walks its doclists from the highest rowid and stops after
            # them, so bm25 scores these rows only
            ranked = ("SELECT t.id, t.article_id, -bm25(kb_fts, 4.0, 1.0) AS score "  # noqa: S608
                      "FROM kb_fts JOIN kb_texts t ON t.id = kb_fts.rowid "
                      f"WHERE {' AND '.join(where)} "
                      "ORDER BY kb_fts.rowid DESC LIMIT :candidates")
        keyset = ""
        if query.after is not None:
            keyset = (" WHERE score < :after_score OR (score = :after_score"
                      " AND article_id > :after_id)")
            params["after_score"] = query.after.score
            params["after_id"] = query.after.article_id
        page = (f"SELECT id, score FROM ({ranked}) AS ranked{keyset} "  # noqa: S608
                "ORDER BY score DESC, article_id LIMIT :limit")
        outer = (f"SELECT {_COLUMNS}, hits.score FROM ({page}) AS hits "  # noqa: S608
                 "JOIN kb_texts t ON t.id = hits.id ORDER BY hits.score DESC, t.article_id")
        params["limit"] = query.limit
        # planned for the words at hand each time: whether the newest matches are found
        # along the primary key or through the GIN index depends on how common they are
        statement = text(outer).execution_options(**{PLAN_EACH_TIME: True})
        rows = self.uow.execute(statement, params).mappings()
        return [KbMatch(r["article_id"], Language(r["language"]), r["title"], r["plain"],
                        float(r["score"]), _vendor_tuple(r["vendors"]), r["category"],
                        _as_datetime(r["updated_at"]), Visibility(r["visibility"]), True)
                for r in rows]


def _as_datetime(value: str | datetime) -> datetime:
    """A textual statement's raw timestamp (ISO text on SQLite) as an aware UTC datetime."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
