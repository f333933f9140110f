"""Partial indexes on open tickets: the default ticket list walks only open tickets.

Old tickets are nearly all closed, so walking ``(company_id, modified_at, id)`` and skipping
closed rows made the open list's deep pages (and its capped count) read hundreds of rows per
page; see docs/performance.md.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# copied from clico_adapters.sql.tables.OPEN_TICKET_INDEXES at the time of writing
OPEN = "status <> 'closed'"
INDEXES = {
    "ix_tickets_company_open_modified": ["company_id", "modified_at", "id"],
    "ix_tickets_open_modified": ["modified_at", "id"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "tickets", columns, sqlite_where=sa.text(OPEN),
                        postgresql_where=sa.text(OPEN))
    op.execute("ANALYZE tickets")


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="tickets")
