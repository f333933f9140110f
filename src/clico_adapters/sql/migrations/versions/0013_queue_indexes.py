"""Partial indexes for the staff queue's views: open tickets nobody handles, and open tickets
by engineer (``Nieprzypisane``, ``Moje`` and the engineer filter), each in the list's order.

Revision ID: 0013
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

# copied from clico_adapters.sql.tables.QUEUE_INDEXES at the time of writing
OPEN = "status <> 'closed'"
INDEXES = {
    "ix_tickets_unassigned_open_modified": (["modified_at", "id"],
                                            f"{OPEN} AND assignee_id IS NULL"),
    "ix_tickets_assignee_open_modified": (["assignee_id", "modified_at", "id"], OPEN),
}


def upgrade() -> None:
    for name, (columns, where) in INDEXES.items():
        op.create_index(name, "tickets", columns, sqlite_where=sa.text(where),
                        postgresql_where=sa.text(where))
    op.execute("ANALYZE tickets")


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="tickets")
