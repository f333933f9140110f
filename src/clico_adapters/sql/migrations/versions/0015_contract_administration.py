"""Contract administration: revoking a contract, each contract's history, the company search.

``contracts.revoked_at`` (a revoked contract covers nothing), ``audit_log.contract_id`` with
its index (the history on the contract page), and an index on ``assets.serial`` (the company
search finds a company by an asset's serial number).

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clico_adapters.sql.types import UtcDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contracts", sa.Column("revoked_at", UtcDateTime(), nullable=True))
    # copied from tables._id at the time of writing: code-point order on both engines
    op.add_column("audit_log", sa.Column(
        "contract_id", sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql"),
        nullable=True))
    op.create_index(op.f("ix_audit_log_contract_id_seq"), "audit_log", ["contract_id", "seq"])
    op.create_index(op.f("ix_assets_serial"), "assets", ["serial"])


def downgrade() -> None:
    op.drop_index(op.f("ix_assets_serial"), table_name="assets")
    op.drop_index(op.f("ix_audit_log_contract_id_seq"), table_name="audit_log")
    op.drop_column("audit_log", "contract_id")
    op.drop_column("contracts", "revoked_at")
