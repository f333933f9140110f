"""Webhook endpoints can be disabled: a disabled one records no new deliveries and its
pending deliveries wait until it is enabled again.

Revision ID: 0026
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("webhook_endpoints", sa.Column("enabled", sa.Boolean(), nullable=False,
                                                 server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("webhook_endpoints") as batch:
        batch.drop_column("enabled")
