"""Several processes on one database: claims on scheduled jobs, and the index pruning
attempt claims needs.

Revision ID: 0021
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clico_adapters.sql.types import UtcDateTime

revision = "0021"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_claims",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("until", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_claims")),
    )
    op.create_index("ix_attempt_claims_until", "attempt_claims", ["until"])


def downgrade() -> None:
    op.drop_index("ix_attempt_claims_until", table_name="attempt_claims")
    op.drop_table("job_claims")
