"""``Baza Wiedzy`` tables (migration 0018). ``kb_texts`` holds the published text of each
article and language with the audience columns copied beside it; it is what search reads.

The full-text index is not in this metadata, because it differs per engine (docs/kb.md):
PostgreSQL adds generated ``tsvector`` columns ``search`` (title and body) and
``title_search`` (title only, for suggestions; migration 0024), each with a GIN index, SQLite a
contentless FTS5 table ``kb_fts`` kept in sync by triggers. ``SEARCH_OBJECTS`` names them
for schema comparisons.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from .tables import Serial, _id, metadata
from .types import SortableText, UtcDateTime

kb_articles = Table(
    "kb_articles", metadata,
    _id(primary_key=True),
    Column("category", String(80), nullable=False),
    Column("vendors", String(500), nullable=False),  # " PALO_ALTO FORTINET "
    Column("visibility", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("texts", JSON, nullable=False),  # [[language, title, body], ...]
    _id("author_id", "accounts.id", nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("source_ticket", String(32), nullable=True),
    Index(None, "updated_at", "id"),
)

kb_texts = Table(
    "kb_texts", metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    _id("article_id", "kb_articles.id", nullable=False),
    Column("language", String(2), nullable=False),
    Column("serves", String(16), nullable=False),  # reader languages it answers: "pl en"
    Column("title", Text, nullable=False),
    Column("plain", Text, nullable=False),
    Column("visibility", String(16), nullable=False),
    Column("category", String(80), nullable=False),
    Column("vendors", String(500), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("article_id", "language"),
)

kb_versions = Table(
    "kb_versions", metadata,
    _id("article_id", "kb_articles.id", nullable=False),
    Column("number", Integer, nullable=False),
    Column("category", String(80), nullable=False),
    Column("vendors", String(500), nullable=False),
    Column("visibility", String(16), nullable=False),
    Column("texts", JSON, nullable=False),
    _id("published_by", "accounts.id", nullable=False),
    Column("published_by_name", SortableText(200), nullable=False),
    Column("published_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("article_id", "number"),
)

kb_events = Table(
    "kb_events", metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("article_id", SortableText(64), ForeignKey("kb_articles.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("account_id", SortableText(64), nullable=True),
    Column("at", UtcDateTime, nullable=False),
    Index(None, "at"),
)

# What happened besides publications (migration 0027): unpublished, a file attached or
# removed; read newest first per article (``id`` breaks ties in the order of writing).
kb_changes = Table(
    "kb_changes", metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    _id("article_id", "kb_articles.id", nullable=False),
    Column("kind", String(16), nullable=False),
    _id("by_id", "accounts.id", nullable=False),
    Column("by_name", SortableText(200), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("detail", Text, nullable=False),
    Index(None, "article_id", "at"),
)

SEARCH_OBJECTS = frozenset({"kb_fts", "kb_fts_data", "kb_fts_idx", "kb_fts_docsize",
                            "kb_fts_config", "kb_fts_content", "search", "ix_kb_texts_search",
                            "title_search", "ix_kb_texts_title_search"})


def include_object(obj: object, name: str | None, type_: str, reflected: bool,
                   compare_to: object) -> bool:
    """Alembic's filter: leave the engine-specific search index out of comparisons."""
    return name not in SEARCH_OBJECTS
