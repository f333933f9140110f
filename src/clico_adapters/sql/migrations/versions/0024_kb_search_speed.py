"""``Baza Wiedzy`` suggestions match titles only: on PostgreSQL a generated ``tsvector``
``kb_texts.title_search`` (the title, folded and split as ``search`` is) with its own GIN
index, so a suggestion reads a few short title vectors instead of ranking every body that
matches. SQLite needs nothing: FTS5 restricts a match to the ``title`` column of ``kb_fts``
with a column filter.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

PUNCTUATION = "[[:punct:]]+"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE kb_texts ADD COLUMN title_search tsvector GENERATED ALWAYS AS ("
        f"to_tsvector('clico_kb', regexp_replace(title, '{PUNCTUATION}', ' ', 'g'))) STORED")
    op.execute("CREATE INDEX ix_kb_texts_title_search ON kb_texts USING gin (title_search)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_kb_texts_title_search")
    op.execute("ALTER TABLE kb_texts DROP COLUMN IF EXISTS title_search")
