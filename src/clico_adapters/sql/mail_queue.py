"""The delivery side of the outbox, for mail workers (each call is its own transaction)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Engine, func, or_, select, update
from sqlalchemy.engine import Connection, RowMapping

from clico_core.mail import DeliveryState, OutboxMessage, OutboxStats
from clico_core.ports import SecretBox, SecretUnreadable

from .engine import READONLY
from .errors import retrying
from .mapping import outbox_from
from .sealing import KeylessBox
from .tables import outbox

T = TypeVar("T")
log = logging.getLogger("clico.mail")
_PENDING, _SENT, _FAILED = (s.value for s in (DeliveryState.PENDING, DeliveryState.SENT,
                                              DeliveryState.FAILED))


class SqlMailQueue:
    """A ``clico_core.ports.MailQueue``: claims never hand one message to two workers."""

    def __init__(self, engine: Engine, box: SecretBox | None = None) -> None:
        self.engine = engine
        self.box: SecretBox = box or KeylessBox()  # opens the sealed codes and links

    def _write(self, action: Callable[[Connection], T]) -> T:
        def attempt() -> T:
            with self.engine.begin() as connection:
                return action(connection)
        return retrying(attempt)

    def _read(self, action: Callable[[Connection], T]) -> T:
        with self.engine.connect() as connection:
            connection = connection.execution_options(**{READONLY: True})
            with connection.begin():
                return action(connection)

    def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxMessage]:
        """Lease due messages: one UPDATE over the oldest due rows. PostgreSQL skips rows
        another worker has locked; SQLite's write lock serialises claimers."""
        due = (select(outbox.c.seq)
               .where(outbox.c.state == _PENDING,
                      or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now))
               .order_by(outbox.c.created_at, outbox.c.seq).limit(limit))
        if self.engine.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        statement = (update(outbox).where(outbox.c.seq.in_(due.scalar_subquery()))
                     .values(attempts=outbox.c.attempts + 1, next_attempt_at=now + lease)
                     .returning(*outbox.c))

        def claim(connection: Connection) -> list[RowMapping]:
            return list(connection.execute(statement).mappings())

        rows = self._write(claim)
        # RETURNING promises no order
        rows.sort(key=lambda r: (r["created_at"], r["seq"]))
        claimed = []
        for row in rows:
            try:
                claimed.append(outbox_from(row, self.box))
            except SecretUnreadable as error:
                # a missing key or altered row: park it (an operator may retry once the key
                # is back) rather than hand it out again every round
                log.error("mail %s parked: %s", row["id"], error)
                self.mark_failed(row["id"], f"cannot open its sealed context: {error}", now)
        return claimed

    def _mark(self, message_id: str, **values: Any) -> None:
        def mark(connection: Connection) -> int:
            return connection.execute(update(outbox).where(outbox.c.id == message_id)
                                      .values(**values)).rowcount

        if self._write(mark) != 1:
            raise KeyError(message_id)

    def mark_sent(self, message_id: str, at: datetime) -> None:
        """Mark delivered and drop the secrets (codes, token links): the stored context
        never held them in clear, and now their sealed copy goes too."""
        self._mark(message_id, state=_SENT, sent_at=at, last_error="", sealed_context=None)

    def mark_retry(self, message_id: str, error: str, next_attempt_at: datetime) -> None:
        self._mark(message_id, state=_PENDING, last_error=error, next_attempt_at=next_attempt_at)

    def mark_failed(self, message_id: str, error: str, at: datetime) -> None:
        self._mark(message_id, state=_FAILED, last_error=error, next_attempt_at=None)

    def retry_failed(self, now: datetime) -> int:
        def retry(connection: Connection) -> int:
            return connection.execute(update(outbox).where(outbox.c.state == _FAILED).values(
                state=_PENDING, attempts=0, next_attempt_at=now)).rowcount

        return self._write(retry)

    def stats(self) -> OutboxStats:
        def read(connection: Connection) -> OutboxStats:
            counts: dict[str, int] = {
                row.state: row.n for row in connection.execute(
                    select(outbox.c.state, func.count().label("n")).group_by(outbox.c.state))}
            oldest = connection.execute(
                select(outbox.c.created_at).where(outbox.c.state == _PENDING)
                .order_by(outbox.c.created_at).limit(1)).scalar_one_or_none()
            return OutboxStats(counts.get(_PENDING, 0), counts.get(_SENT, 0),
                               counts.get(_FAILED, 0), oldest)

        return self._read(read)

    def get(self, message_id: str) -> OutboxMessage | None:
        def read(connection: Connection) -> OutboxMessage | None:
            row = connection.execute(select(outbox).where(outbox.c.id == message_id)
                                     ).mappings().first()
            return outbox_from(row, self.box) if row else None

        return self._read(read)

    def all(self) -> list[OutboxMessage]:
        """Every message in creation order (for tests and the demo)."""
        def read(connection: Connection) -> list[OutboxMessage]:
            rows = connection.execute(select(outbox).order_by(outbox.c.created_at,
                                                              outbox.c.seq)).mappings()
            return [outbox_from(r, self.box) for r in rows]

        return self._read(read)
