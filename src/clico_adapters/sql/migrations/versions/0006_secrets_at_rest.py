"""Secrets at rest: authenticator secrets and queued codes and links are sealed.

``accounts.totp_secret`` becomes TEXT (a sealed value is longer than the base32 secret) and
``outbox.sealed_context`` holds a queued mail's secret-bearing context values, which leave
``outbox.context``. The migration has no key, so it seals nothing: existing values get the
``plain:`` marker, stay readable, and are sealed by the next write of their row or by
``clico secrets rotate`` (docs/operations.md says to run it after this upgrade).

Downgrading cannot open sealed values: marked plain ones are put back; sealed authenticator
secrets are dropped (those accounts get e-mailed codes again) and unsent mail whose code or
link was sealed is parked as failed.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# copied from clico_core.mail and clico_adapters.sql.sealing at the time of writing
SECRET_KEYS = ("code", "link_path")
REDACTED = "[redacted]"
LEGACY = "plain:"

_accounts = sa.table("accounts", sa.column("totp_secret", sa.Text),
                     sa.column("totp_secret_new", sa.Text))
_outbox = sa.table("outbox", sa.column("seq", sa.Integer), sa.column("state", sa.String),
                   sa.column("context", sa.JSON), sa.column("sealed_context", sa.Text),
                   sa.column("last_error", sa.Text))


def _change_totp_column(new_type: sa.types.TypeEngine[Any]) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("accounts", "totp_secret", type_=new_type, existing_nullable=True)
        return
    # SQLite alters no column type; a table rebuild would fight the foreign keys. A new
    # column, a copy, and plain DROP / RENAME COLUMN (SQLite >= 3.35) need no rebuild.
    op.add_column("accounts", sa.Column("totp_secret_new", new_type, nullable=True))
    op.execute(_accounts.update().values(totp_secret_new=_accounts.c.totp_secret))
    op.drop_column("accounts", "totp_secret")
    op.execute("ALTER TABLE accounts RENAME COLUMN totp_secret_new TO totp_secret")


def upgrade() -> None:
    _change_totp_column(sa.Text())
    secret = _accounts.c.totp_secret
    op.execute(_accounts.update().where(secret.is_not(None))
               .values(totp_secret=sa.literal(LEGACY, sa.Text) + secret))
    op.add_column("outbox", sa.Column("sealed_context", sa.Text(), nullable=True))
    connection = op.get_bind()
    unsent = connection.execute(sa.select(_outbox.c.seq, _outbox.c.context)
                                .where(_outbox.c.state != "sent")).all()
    for seq, context in unsent:
        hidden = {k: v for k, v in context.items() if k in SECRET_KEYS and v != REDACTED}
        if hidden:
            public = {k: (REDACTED if k in SECRET_KEYS else v) for k, v in context.items()}
            connection.execute(_outbox.update().where(_outbox.c.seq == seq).values(
                context=public, sealed_context=LEGACY + json.dumps(hidden, sort_keys=True)))


def downgrade() -> None:
    connection = op.get_bind()
    held = connection.execute(sa.select(_outbox.c.seq, _outbox.c.context,
                                        _outbox.c.sealed_context)
                              .where(_outbox.c.sealed_context.is_not(None))).all()
    for seq, context, sealed in held:
        values: dict[str, Any]
        if sealed.startswith(LEGACY):
            values = {"context": {**context, **json.loads(sealed.removeprefix(LEGACY))}}
        else:
            values = {"state": "failed",
                      "last_error": "its sealed code or link was lost in a schema downgrade"}
        connection.execute(_outbox.update().where(_outbox.c.seq == seq).values(**values))
    op.drop_column("outbox", "sealed_context")
    secret = _accounts.c.totp_secret
    op.execute(_accounts.update().where(secret.is_not(None),
                                        ~secret.startswith(LEGACY, autoescape=True))
               .values(totp_secret=None))
    op.execute(_accounts.update().where(secret.is_not(None))
               .values(totp_secret=sa.func.substr(secret, len(LEGACY) + 1)))
    _change_totp_column(sa.String(64))
