"""An authenticator app (TOTP) as the second sign-in step.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("totp_secret", sa.String(64), nullable=True))
    op.add_column("accounts", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    op.add_column("sessions", sa.Column("second_factor", sa.String(16), nullable=False,
                                        server_default="email"))


def downgrade() -> None:
    # plain ALTER TABLE … DROP COLUMN (SQLite >= 3.35): no table rebuild under foreign keys
    op.drop_column("sessions", "second_factor")
    op.drop_column("accounts", "totp_last_step")
    op.drop_column("accounts", "totp_secret")
