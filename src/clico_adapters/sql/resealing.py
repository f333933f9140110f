"""Key rotation: seal every stored secret under the current key, a batch per transaction.

After ``CLICO_SECRET_KEY`` changes (the old key moved to ``CLICO_SECRET_KEY_PREVIOUS``),
values sealed under the old key still open; this re-seals them, and the legacy plain ones,
so the old key can then be dropped. Each row is rewritten only if it still holds the value
read, so a secret changed meanwhile by the portal is never overwritten with an older one.
"""

from __future__ import annotations

from attrs import frozen
from sqlalchemy import Column, Engine, Table, select, update
from sqlalchemy.engine import Connection

from clico_core.ports import SecretBox, SecretUnreadable

from .sealing import OUTBOX_CONTEXT, TOTP_SECRET, WEBHOOK_SECRET, needs_sealing, unseal
from .tables import accounts, outbox
from .webhook_tables import webhook_endpoints


@frozen
class ResealReport:
    """How many stored values were sealed anew under the current key, and how many could
    not be opened (their key is not configured, or they were altered): those stay as
    they were, and the previous keys must stay until they are dealt with."""

    totp_secrets: int
    mail_contexts: int
    unreadable: int = 0
    webhook_secrets: int = 0


def reseal(engine: Engine, box: SecretBox, batch: int) -> ResealReport:
    if batch < 1:
        raise ValueError("the batch must hold at least one row")
    totp, totp_unreadable = _reseal_column(engine, box, batch, accounts, accounts.c.id,
                                           accounts.c.totp_secret, TOTP_SECRET)
    mail, mail_unreadable = _reseal_column(engine, box, batch, outbox, outbox.c.id,
                                           outbox.c.sealed_context, OUTBOX_CONTEXT)
    hooks, hooks_unreadable = _reseal_column(engine, box, batch, webhook_endpoints,
                                             webhook_endpoints.c.id,
                                             webhook_endpoints.c.sealed_secret, WEBHOOK_SECRET)
    return ResealReport(totp, mail, totp_unreadable + mail_unreadable + hooks_unreadable,
                        hooks)


def _reseal_column(engine: Engine, box: SecretBox, batch: int, table: Table,
                   key: Column[str], column: Column[str], purpose: str) -> tuple[int, int]:
    """Walk the rows holding a value in ``key`` order, one transaction per batch;
    ``(resealed, unreadable)``."""
    resealed = unreadable = 0
    after = ""
    while True:
        with engine.begin() as connection:
            rows = connection.execute(
                select(key, column).where(column.is_not(None), key > after)
                .order_by(key).limit(batch)).all()
            for row_key, stored in rows:
                if not needs_sealing(box, stored):
                    continue
                try:
                    resealed += _rewrite(connection, box, table, key, column, purpose,
                                         row_key, stored)
                except SecretUnreadable:
                    unreadable += 1
        if len(rows) < batch:
            return resealed, unreadable
        after = rows[-1][0]


def _rewrite(connection: Connection, box: SecretBox, table: Table, key: Column[str],
             column: Column[str], purpose: str, row_key: str, stored: str) -> int:
    plaintext = unseal(box, stored, purpose, row_key)
    assert plaintext is not None
    fresh = box.seal(plaintext, purpose=purpose, bound_to=row_key)
    result = connection.execute(update(table).where(key == row_key, column == stored)
                                .values({column.name: fresh}))
    return int(result.rowcount)
