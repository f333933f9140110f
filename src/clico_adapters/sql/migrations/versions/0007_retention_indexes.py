"""Indexes for pruning: each store's age column, so a batch deletes without a table scan.

Sessions have none on purpose: ``last_seen_at`` changes on every signed-in minute, and the
table (a week of dead sessions at most) is small enough to scan once an hour.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# copied from clico_adapters.sql.tables at the time of writing
INDEXES = {
    "ix_attempts_at": ("attempts", "at"),
    "ix_audit_log_at": ("audit_log", "at"),
    "ix_outbox_sent_at": ("outbox", "sent_at"),
    "ix_tokens_expires_at": ("tokens", "expires_at"),
}


def upgrade() -> None:
    for name, (table, column) in INDEXES.items():
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
