"""The ticket conversation: articles, the status machine's columns, each ticket's history.

Every existing ticket's description becomes its first article (the article takes the
ticket's id, as new tickets' descriptions do); closed and resolved tickets get their
``closed_at`` / ``resolved_at`` from their last change, the best moment known.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clico_adapters.sql.types import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _id(name: str, *, nullable: bool) -> sa.Column[str]:
    # copied from tables._id at the time of writing: code-point order on both engines
    return sa.Column(name, sa.String(64).with_variant(sa.String(64, collation="C"),
                                                      "postgresql"), nullable=nullable)


TICKET_COLUMNS = ("assignee_id", "resolved_at", "closed_at", "close_reminded_at",
                  "follows_id", "version")


def upgrade() -> None:
    op.add_column("tickets", _id("assignee_id", nullable=True))
    op.add_column("tickets", sa.Column("resolved_at", UtcDateTime(), nullable=True))
    op.add_column("tickets", sa.Column("closed_at", UtcDateTime(), nullable=True))
    op.add_column("tickets", sa.Column("close_reminded_at", UtcDateTime(), nullable=True))
    op.add_column("tickets", _id("follows_id", nullable=True))
    op.add_column("tickets", sa.Column("version", sa.Integer(), nullable=False,
                                       server_default="0"))
    op.add_column("audit_log", _id("ticket_id", nullable=True))
    op.create_index(op.f("ix_audit_log_ticket_id_seq"), "audit_log", ["ticket_id", "seq"])
    op.create_table(
        "articles",
        _id("id", nullable=False),
        _id("ticket_id", nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        _id("author_id", nullable=False),
        sa.Column("author_role", sa.String(16), nullable=False),
        sa.Column("author_name", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attachment_ids", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_articles_ticket_id_tickets")),
        sa.ForeignKeyConstraint(["author_id"], ["accounts.id"],
                                name=op.f("fk_articles_author_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("author_id", "idempotency_key",
                            name=op.f("uq_articles_author_id_idempotency_key")),
    )
    op.create_index("ix_articles_ticket_created", "articles", ["ticket_id", "created_at", "id"])
    _move_descriptions()


def _move_descriptions() -> None:
    tickets = sa.table("tickets", sa.column("id"), sa.column("reporter_id"),
                       sa.column("created_at"), sa.column("description"),
                       sa.column("status"), sa.column("modified_at"),
                       sa.column("resolved_at"), sa.column("closed_at"))
    accounts = sa.table("accounts", sa.column("id"), sa.column("role"),
                        sa.column("first_name"), sa.column("last_name"))
    articles = sa.table("articles", *(sa.column(name) for name in (
        "id", "ticket_id", "kind", "author_id", "author_role", "author_name", "created_at",
        "body", "attachment_ids")))
    role = sa.case((accounts.c.role.in_(("engineer", "admin")), sa.literal("staff")),
                   else_=sa.literal("customer"))
    name = sa.func.trim(accounts.c.first_name + sa.literal(" ") + accounts.c.last_name)
    source = sa.select(
        tickets.c.id, tickets.c.id, sa.literal("description"), tickets.c.reporter_id, role,
        name, tickets.c.created_at, tickets.c.description, sa.literal_column("'[]'"),
    ).select_from(tickets.join(accounts, accounts.c.id == tickets.c.reporter_id))
    op.execute(articles.insert().from_select(
        ["id", "ticket_id", "kind", "author_id", "author_role", "author_name", "created_at",
         "body", "attachment_ids"], source))
    op.execute(tickets.update().where(tickets.c.status == "closed")
               .values(closed_at=tickets.c.modified_at))
    op.execute(tickets.update().where(tickets.c.status == "resolved")
               .values(resolved_at=tickets.c.modified_at))


def downgrade() -> None:
    # the descriptions stay in ``tickets.description``: dropping the articles loses replies
    op.drop_index("ix_articles_ticket_created", table_name="articles")
    op.drop_table("articles")
    op.drop_index(op.f("ix_audit_log_ticket_id_seq"), table_name="audit_log")
    op.drop_column("audit_log", "ticket_id")
    for name in reversed(TICKET_COLUMNS):
        op.drop_column("tickets", name)
