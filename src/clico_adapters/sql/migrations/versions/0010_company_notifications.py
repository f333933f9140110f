"""``Powiadamiaj mnie o zgłoszeniach mojej firmy``: an account may ask to be mailed about its
company's tickets, not only about the ones it reported (off for every existing account).

Revision ID: 0010
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("notify_company_tickets", sa.Boolean(), nullable=False,
                                        server_default=sa.false()))


def downgrade() -> None:
    # plain ALTER TABLE … DROP COLUMN (SQLite >= 3.35): no table rebuild under foreign keys
    op.drop_column("accounts", "notify_company_tickets")
