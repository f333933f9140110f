"""The staff queue ordered by the nearest SLA due time: a non-null sort key and its indexes,
and the nearest 75 % instant for the queue's warning mark.

``sla_order`` is ``clico_core.tickets.due_order``: ``sla_due``, or for a ticket with no
running clock its creation 4,000 years later (the same calendar date: 10 Gregorian cycles),
so keyset pages compare plain values on both engines and such tickets come after every due
one, oldest first. Existing rows get it here; their ``sla_warning_at`` is filled at their
next change (until then they show the breach mark only). The (sla_due, id) index of
0016 gives way to (sla_order, id): nothing sorts by the nullable column.

Revision ID: 0017
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clico_adapters.sql.types import UtcDateTime

revision = "0017"
down_revision = "0018"
branch_labels = None
depends_on = None

# copied from clico_adapters.sql.tables (SLA_ORDER_DEFAULT, DUE_INDEXES) at the time of writing
SLA_ORDER_DEFAULT = "9999-01-01T00:00:00.000000+00:00"
# created_at four thousand years on: SQLite keeps instants as fixed-width ISO text
# (``UtcDateTime``), so the year is shifted in the text; PostgreSQL adds calendar years in UTC
SHIFTED = {
    "sqlite": "printf('%04d', CAST(substr(created_at, 1, 4) AS INTEGER) + 4000)"
              " || substr(created_at, 5)",
    "postgresql": "(created_at AT TIME ZONE 'UTC' + interval '4000 years') AT TIME ZONE 'UTC'",
}
OPEN = "status <> 'closed'"
INDEXES: dict[str, tuple[list[str], str | None]] = {
    "ix_tickets_due": (["sla_order", "id"], None),
    "ix_tickets_status_due": (["status", "sla_order", "id"], None),
    "ix_tickets_open_due": (["sla_order", "id"], OPEN),
    "ix_tickets_unassigned_open_due": (["sla_order", "id"], f"{OPEN} AND assignee_id IS NULL"),
    "ix_tickets_assignee_open_due": (["assignee_id", "sla_order", "id"], OPEN),
}


def upgrade() -> None:
    op.add_column("tickets", sa.Column("sla_order", UtcDateTime(), nullable=False,
                                       server_default=sa.text(f"'{SLA_ORDER_DEFAULT}'")))
    op.add_column("tickets", sa.Column("sla_warning_at", UtcDateTime(), nullable=True))
    shifted = SHIFTED[op.get_bind().dialect.name]
    op.execute(f"UPDATE tickets SET sla_order = COALESCE(sla_due, {shifted})")  # noqa: S608
    op.drop_index("ix_tickets_sla_due", table_name="tickets")
    for name, (columns, where) in INDEXES.items():
        if where is None:
            op.create_index(name, "tickets", columns)
        else:
            op.create_index(name, "tickets", columns, sqlite_where=sa.text(where),
                            postgresql_where=sa.text(where))
    op.execute("ANALYZE tickets")


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="tickets")
    op.create_index("ix_tickets_sla_due", "tickets", ["sla_due", "id"])
    op.drop_column("tickets", "sla_warning_at")
    op.drop_column("tickets", "sla_order")
