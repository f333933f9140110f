"""``Baza Wiedzy`` search speed (docs/kb.md, docs/performance.md).

- PostgreSQL: suggestions match titles only, through a generated ``tsvector``
  ``kb_texts.title_search`` (the title, folded and split as ``search`` is) with its own GIN
  index, so a suggestion reads a few short title vectors instead of ranking every body
  that matches. (SQLite restricts a match to the ``title`` column with a column filter.)
- SQLite: ``kb_fts`` is rebuilt with FTS5 prefix indexes for 2 and 3 characters, so a
  short last word typed as a prefix reads one index entry instead of expanding to every
  indexed word that starts with it. A contentless table cannot be rebuilt from itself: it
  is refilled from ``kb_texts``, folded as the triggers of 0018 fold (they stay as they
  are: they name the table, not its options).

Revision ID: 0024
Revises: 0026
"""

from __future__ import annotations

from alembic import op

revision = "0024"
down_revision = "0026"
branch_labels = None
depends_on = None

PUNCTUATION = "[[:punct:]]+"
_FOLD_SQLITE = ("ł", "l"), ("Ł", "L"), ("ß", "ss"), ("ø", "o"), ("Ø", "O"), ("đ", "d")


def _folded(expression: str) -> str:
    for letter, plain in _FOLD_SQLITE:
        expression = f"replace({expression}, '{letter}', '{plain}')"
    return expression


def _sqlite_fts(options: str) -> None:
    op.execute("DROP TABLE IF EXISTS kb_fts")
    op.execute("CREATE VIRTUAL TABLE kb_fts USING fts5(title, body, content='', "
               f"tokenize='unicode61 remove_diacritics 2'{options})")
    # fixed text only: built from the constants above
    op.execute("INSERT INTO kb_fts(rowid, title, body) "  # noqa: S608
               f"SELECT id, {_folded('title')}, {_folded('plain')} FROM kb_texts")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        _sqlite_fts(", prefix='2 3'")
        return
    op.execute(
        "ALTER TABLE kb_texts ADD COLUMN title_search tsvector GENERATED ALWAYS AS ("
        f"to_tsvector('clico_kb', regexp_replace(title, '{PUNCTUATION}', ' ', 'g'))) STORED")
    op.execute("CREATE INDEX ix_kb_texts_title_search ON kb_texts USING gin (title_search)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        _sqlite_fts("")
        return
    op.execute("DROP INDEX IF EXISTS ix_kb_texts_title_search")
    op.execute("ALTER TABLE kb_texts DROP COLUMN IF EXISTS title_search")
