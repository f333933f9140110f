"""Attachments: uploaded files (the bytes are in the blob store), linked to their article.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clico_adapters.sql.types import SortableText, UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("id", SortableText(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(255), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("uploaded_by", SortableText(64), nullable=False),
        sa.Column("owner_id", SortableText(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.ForeignKeyConstraint(["uploaded_by"], ["accounts.id"],
                                name=op.f("fk_attachments_uploaded_by_accounts")),
    )
    op.create_index(op.f("ix_attachments_digest"), "attachments", ["digest"])
    op.create_index(op.f("ix_attachments_owner_id"), "attachments", ["owner_id"])
    op.create_index(op.f("ix_attachments_unlinked_created"), "attachments", ["created_at"],
                    sqlite_where=sa.text("owner_id IS NULL"),
                    postgresql_where=sa.text("owner_id IS NULL"))


def downgrade() -> None:
    op.drop_table("attachments")
