"""Indexes for the ticket list: one per scope and sort, each ending in ``id`` for keysets.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# copied from clico_adapters.sql.tables.TICKET_LIST_INDEXES at the time of writing
INDEXES = {
    "ix_tickets_company_modified": ("tickets", ["company_id", "modified_at", "id"]),
    "ix_tickets_company_status_modified": ("tickets",
                                           ["company_id", "status", "modified_at", "id"]),
    "ix_tickets_company_created": ("tickets", ["company_id", "created_at", "id"]),
    "ix_tickets_company_number": ("tickets", ["company_id", "number", "id"]),
    "ix_tickets_company_subject": ("tickets", ["company_id", "subject", "id"]),
    "ix_tickets_modified": ("tickets", ["modified_at", "id"]),
    "ix_tickets_status_modified": ("tickets", ["status", "modified_at", "id"]),
    "ix_tickets_created": ("tickets", ["created_at", "id"]),
    "ix_ticket_assets_asset": ("ticket_assets", ["asset_id", "ticket_id"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)
    # fresh statistics so the planner picks these at once
    op.execute("ANALYZE")


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
