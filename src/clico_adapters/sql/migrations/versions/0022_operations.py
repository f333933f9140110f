"""Operations: each mail worker's heartbeat (for /readyz) and the request id of each mail.

Revision ID: 0022
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clico_adapters.sql.types import UtcDateTime

revision = "0022"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker_heartbeats",
        sa.Column("worker", sa.String(200), nullable=False),
        sa.Column("beat_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("worker", name=op.f("pk_worker_heartbeats")),
    )
    op.add_column("outbox", sa.Column("request_id", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("outbox", "request_id")
    op.drop_table("worker_heartbeats")
