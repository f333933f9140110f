"""``Baza Wiedzy``: the history besides publications (``kb_changes``): an article
unpublished (``Wycofaj publikację``), a file attached or removed — who, when, and the
file's name. The files themselves are ``attachments`` rows owned by the article (0008).

Revision ID: 0027
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clico_adapters.sql.types import SortableText, UtcDateTime

revision = "0027"
down_revision = "0024"
branch_labels = None
depends_on = None

Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "kb_changes",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("article_id", SortableText(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("by_id", SortableText(64), nullable=False),
        sa.Column("by_name", SortableText(200), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["kb_articles.id"],
                                name=op.f("fk_kb_changes_article_id_kb_articles")),
        sa.ForeignKeyConstraint(["by_id"], ["accounts.id"],
                                name=op.f("fk_kb_changes_by_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_changes")),
    )
    op.create_index("ix_kb_changes_article_id_at", "kb_changes", ["article_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_kb_changes_article_id_at", table_name="kb_changes")
    op.drop_table("kb_changes")
