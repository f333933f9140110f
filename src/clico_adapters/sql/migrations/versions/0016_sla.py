"""SLA: each ticket's clocks and due times, and the support levels administrators edit.

Existing tickets get no clocks (``sla_state`` NULL): an SLA applies from the ticket's
creation, and nobody promised a due time for a ticket opened before the portal kept them.

Revision ID: 0016
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clico_adapters.sql.types import UtcDateTime

revision = "0016"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tickets", sa.Column("sla_state", sa.JSON(), nullable=True))
    for name in ("first_response_due", "resolution_due", "sla_due", "sla_alert_at"):
        op.add_column("tickets", sa.Column(name, UtcDateTime(), nullable=True))
    op.add_column("tickets", sa.Column("sla_paused", sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    op.create_index("ix_tickets_sla_alert_at", "tickets", ["sla_alert_at", "id"])
    op.create_index("ix_tickets_sla_due", "tickets", ["sla_due", "id"])
    op.create_table(
        "support_levels",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_support_levels")),
    )


def downgrade() -> None:
    op.drop_table("support_levels")
    op.drop_index("ix_tickets_sla_due", table_name="tickets")
    op.drop_index("ix_tickets_sla_alert_at", table_name="tickets")
    for name in ("sla_paused", "sla_alert_at", "sla_due", "resolution_due",
                 "first_response_due", "sla_state"):
        op.drop_column("tickets", name)
