"""Working together on tickets: who has a ticket open, staff's reply templates, and the
ticket's version on each history event (what changed since a form was rendered).

Revision ID: 0014
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clico_adapters.sql.types import UtcDateTime

revision = "0014"
down_revision = "0009"
branch_labels = None
depends_on = None


def _id(name: str, *, nullable: bool) -> sa.Column[str]:
    # copied from tables._id at the time of writing: code-point order on both engines
    return sa.Column(name, sa.String(64).with_variant(sa.String(64, collation="C"),
                                                      "postgresql"), nullable=nullable)


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("ticket_version", sa.Integer(), nullable=True))
    op.create_table(
        "ticket_presence",
        _id("ticket_id", nullable=False),
        _id("account_id", nullable=False),
        sa.Column("last_seen", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_ticket_presence_ticket_id_tickets")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_ticket_presence_account_id_accounts")),
        sa.PrimaryKeyConstraint("ticket_id", "account_id", name=op.f("pk_ticket_presence")),
    )
    op.create_index(op.f("ix_ticket_presence_last_seen"), "ticket_presence", ["last_seen"])
    op.create_table(
        "reply_templates",
        _id("id", nullable=False),
        sa.Column("title", sa.String(200).with_variant(sa.String(200, collation="C"),
                                                       "postgresql"), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _id("author_id", nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["accounts.id"],
                                name=op.f("fk_reply_templates_author_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_templates")),
    )


def downgrade() -> None:
    op.drop_table("reply_templates")
    op.drop_index(op.f("ix_ticket_presence_last_seen"), table_name="ticket_presence")
    op.drop_table("ticket_presence")
    op.drop_column("audit_log", "ticket_version")
