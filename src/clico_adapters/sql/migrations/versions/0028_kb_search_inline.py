"""``Baza Wiedzy`` search reads each candidate's ``tsvector`` from its heap row.

PostgreSQL moves a value of more than ~2 kB out of the row into the table's TOAST
relation, and a 1 kB article's ``search`` vector (~1.8 kB) lands there: ranking a
candidate (the match test on the primary-key walk, then ``ts_rank``) costs three buffer
reads a row instead of one. ``STORAGE MAIN`` keeps the vector in the row (compressed if
need be) and lets the plain text go out of line instead, which search reads only for the
page it shows. Measured at 10^5 articles: two common words 26–39 ms → 8–13 ms per query,
a prefix 31–51 → 15–23 ms (docs/performance.md).

Existing rows keep their layout until rewritten, so the upgrade rewrites ``kb_texts``
(``title = title`` regenerates both vectors): one pass over the published texts. SQLite
has nothing of the kind (its FTS5 index is a table of its own).

Revision ID: 0028
Revises: 0027
"""

from __future__ import annotations

from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE kb_texts ALTER COLUMN search SET STORAGE MAIN")
    op.execute("UPDATE kb_texts SET title = title")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE kb_texts ALTER COLUMN search SET STORAGE EXTENDED")
