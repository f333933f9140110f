"""Claims: a key held until a moment, for actions allowed once per window (sign-up notices).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clico_adapters.sql.types import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attempt_claims",
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("until", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("attempt_claims")
