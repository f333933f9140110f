"""Personal access tokens of the JSON API: only the secret's hash is stored.

Revision ID: 0019
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clico_adapters.sql.types import UtcDateTime

revision = "0019"
down_revision = "0020"
branch_labels = None
depends_on = None


def _id(name: str, *, nullable: bool) -> sa.Column[str]:
    # copied from tables._id at the time of writing: code-point order on both engines
    return sa.Column(name, sa.String(64).with_variant(sa.String(64, collation="C"),
                                                      "postgresql"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        _id("id", nullable=False),
        _id("account_id", nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(128), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=True),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.Column("last_used_at", UtcDateTime(), nullable=True),
        sa.Column("last_used_from", sa.String(128), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_api_tokens_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_account_id"), "api_tokens", ["account_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_api_tokens_account_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
