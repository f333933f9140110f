"""``Baza Wiedzy``: articles, their published versions, reader events, and the full-text
index of the published texts, one per engine (docs/kb.md):

- PostgreSQL: a text search configuration ``clico_kb`` (a copy of ``simple``, so short terms
  and part numbers stay words and nothing is dropped as a stop word), with the ``unaccent``
  dictionary in front when the server has that extension (``zrywa sie`` finds ``zrywa
  się``); without it the configuration is plain ``simple`` and accents must be typed (the
  migration says so in the log). ``kb_texts.search`` is a generated ``tsvector`` (title
  weight A, body weight B) over the texts with ASCII punctuation made spaces (``PA-450`` is
  ``pa`` and ``450``, as on SQLite), with a GIN index.
- SQLite: a contentless FTS5 table ``kb_fts`` (``unicode61 remove_diacritics 2``) kept in
  sync with ``kb_texts`` by triggers; letters FTS5 does not fold (``ł``, ``ß``, ``ø``,
  ``đ``) are replaced in the triggers as the core's ``fold`` does.

Revision ID: 0018
Revises: 0022
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

from clico_adapters.sql.types import SortableText, UtcDateTime

revision = "0018"
down_revision = "0022"
branch_labels = None
depends_on = None

Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_FOLD_SQLITE = ("ł", "l"), ("Ł", "L"), ("ß", "ss"), ("ø", "o"), ("Ø", "O"), ("đ", "d")
PUNCTUATION = "[[:punct:]]+"


def _folded(expression: str) -> str:
    for letter, plain in _FOLD_SQLITE:
        expression = f"replace({expression}, '{letter}', '{plain}')"
    return expression


def _tables() -> None:
    op.create_table(
        "kb_articles",
        sa.Column("id", SortableText(64), nullable=False),
        sa.Column("category", sa.String(80), nullable=False),
        sa.Column("vendors", sa.String(500), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("author_id", SortableText(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source_ticket", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["accounts.id"],
                                name=op.f("fk_kb_articles_author_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_articles")),
    )
    op.create_index("ix_kb_articles_updated_at_id", "kb_articles", ["updated_at", "id"])
    op.create_table(
        "kb_texts",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("article_id", SortableText(64), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("serves", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("plain", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("category", sa.String(80), nullable=False),
        sa.Column("vendors", sa.String(500), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"],
                                name=op.f("fk_kb_texts_article_id_kb_articles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_texts")),
        sa.UniqueConstraint("article_id", "language",
                            name=op.f("uq_kb_texts_article_id_language")),
    )
    op.create_table(
        "kb_versions",
        sa.Column("article_id", SortableText(64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(80), nullable=False),
        sa.Column("vendors", sa.String(500), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("published_by", SortableText(64), nullable=False),
        sa.Column("published_by_name", SortableText(200), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"],
                                name=op.f("fk_kb_versions_article_id_kb_articles")),
        sa.ForeignKeyConstraint(["published_by"], ["accounts.id"],
                                name=op.f("fk_kb_versions_published_by_accounts")),
        sa.PrimaryKeyConstraint("article_id", "number", name=op.f("pk_kb_versions")),
    )
    op.create_table(
        "kb_events",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("article_id", SortableText(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("account_id", SortableText(64), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"],
                                name=op.f("fk_kb_events_article_id_kb_articles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_events")),
    )
    op.create_index("ix_kb_events_at", "kb_events", ["at"])


def _postgres_index() -> None:
    bind = op.get_bind()
    available = bind.execute(sa.text(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")).first()
    op.execute("CREATE TEXT SEARCH CONFIGURATION clico_kb (COPY = pg_catalog.simple)")
    if available:
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        op.execute("ALTER TEXT SEARCH CONFIGURATION clico_kb ALTER MAPPING FOR word, hword, "
                   "hword_part, numword, numhword, hword_numpart WITH unaccent, simple")
    else:
        logging.getLogger("alembic").warning(
            "unaccent is not available: knowledge base search will not fold accents")
    op.execute(
        "ALTER TABLE kb_texts ADD COLUMN search tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector('clico_kb', regexp_replace(title, '{PUNCTUATION}', ' ', 'g')),"
        " 'A') || "
        f"setweight(to_tsvector('clico_kb', regexp_replace(plain, '{PUNCTUATION}', ' ', 'g')),"
        " 'B')) STORED")
    op.execute("CREATE INDEX ix_kb_texts_search ON kb_texts USING gin (search)")


def _sqlite_index() -> None:
    op.execute("CREATE VIRTUAL TABLE kb_fts USING fts5(title, body, content='', "
               "tokenize='unicode61 remove_diacritics 2')")
    new = f"new.id, {_folded('new.title')}, {_folded('new.plain')}"
    old = f"'delete', old.id, {_folded('old.title')}, {_folded('old.plain')}"
    # fixed text only: the trigger bodies are built from the constants above
    add = f"INSERT INTO kb_fts(rowid, title, body) VALUES ({new});"  # noqa: S608
    drop = f"INSERT INTO kb_fts(kb_fts, rowid, title, body) VALUES ({old});"  # noqa: S608
    op.execute(f"CREATE TRIGGER kb_texts_ai AFTER INSERT ON kb_texts BEGIN {add} END")
    op.execute(f"CREATE TRIGGER kb_texts_ad AFTER DELETE ON kb_texts BEGIN {drop} END")
    op.execute(f"CREATE TRIGGER kb_texts_au AFTER UPDATE ON kb_texts BEGIN {drop} {add} END")


def upgrade() -> None:
    _tables()
    if op.get_bind().dialect.name == "postgresql":
        _postgres_index()
    else:
        _sqlite_index()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_kb_texts_search")
        op.execute("ALTER TABLE kb_texts DROP COLUMN IF EXISTS search")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS clico_kb")
        # unaccent stays: other objects of the database may use the extension
    else:
        for trigger in ("kb_texts_ai", "kb_texts_ad", "kb_texts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS kb_fts")
    op.drop_table("kb_events")
    op.drop_table("kb_versions")
    op.drop_table("kb_texts")
    op.drop_index("ix_kb_articles_updated_at_id", table_name="kb_articles")
    op.drop_table("kb_articles")
