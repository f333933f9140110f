"""The ticket list filtered on one status and a priority (e.g. open + high) walks an index
of its own in the list's order: its capped count stops after COUNT_CAP + 1 index entries
instead of reading a table row per ticket of that status.

Revision ID: 0023
Revises: 0017
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0017"
branch_labels = None
depends_on = None

# copied from clico_adapters.sql.tables.STATUS_PRIORITY_INDEX at the time of writing
NAME = "ix_tickets_company_status_priority_modified"
COLUMNS = ["company_id", "status", "priority", "modified_at", "id"]


def upgrade() -> None:
    op.create_index(NAME, "tickets", COLUMNS)
    op.execute("ANALYZE tickets")


def downgrade() -> None:
    op.drop_index(NAME, table_name="tickets")
