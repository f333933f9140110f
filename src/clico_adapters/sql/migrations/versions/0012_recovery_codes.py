"""Recovery codes: single-use codes that stand in for the authenticator app, stored hashed.

Revision ID: 0012
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clico_adapters.sql.types import SortableText, UtcDateTime

revision = "0012"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_codes",
        sa.Column("account_id", SortableText(64), nullable=False),
        sa.Column("code_hash", sa.String(128), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "code_hash", name=op.f("pk_recovery_codes")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_recovery_codes_account_id_accounts")),
    )


def downgrade() -> None:
    op.drop_table("recovery_codes")
