"""Follow-ups: an index on ``tickets.follows_id`` (only the rows that follow another up),
so a ticket's page finds the tickets that continue it without a scan.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# copied from clico_adapters.sql.tables at the time of writing
FOLLOWS = "follows_id IS NOT NULL"


def upgrade() -> None:
    op.create_index("ix_tickets_follows_id", "tickets", ["follows_id", "created_at", "id"],
                    sqlite_where=sa.text(FOLLOWS), postgresql_where=sa.text(FOLLOWS))


def downgrade() -> None:
    op.drop_index("ix_tickets_follows_id", table_name="tickets")
