"""The delivery side of the webhook outbox, for the worker (each call its own transaction)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Engine, exists, or_, select, update
from sqlalchemy.engine import Connection, RowMapping

from clico_core.ports import SecretBox, SecretUnreadable
from clico_core.webhooks import ClaimedDelivery, DeliveryState, WebhookDelivery

from .errors import retrying
from .repositories.webhooks import delivery_from
from .sealing import WEBHOOK_SECRET, KeylessBox, unseal
from .webhook_tables import webhook_deliveries as deliveries
from .webhook_tables import webhook_endpoints as endpoints

T = TypeVar("T")
log = logging.getLogger("clico.webhooks")
_PENDING = DeliveryState.PENDING.value


class SqlWebhookQueue:
    """A ``clico_core.ports.WebhookQueue``: the mail outbox's claims (one UPDATE over the
    due rows; PostgreSQL skips rows another worker has locked, SQLite's write lock
    serialises claimers), and a delivery waits while an earlier one of its endpoint and
    ticket is pending."""

    def __init__(self, engine: Engine, box: SecretBox | None = None) -> None:
        self.engine = engine
        self.box: SecretBox = box or KeylessBox()

    def _write(self, action: Callable[[Connection], T]) -> T:
        def attempt() -> T:
            with self.engine.begin() as connection:
                return action(connection)
        return retrying(attempt)

    def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[ClaimedDelivery]:
        d = deliveries.alias("d")
        earlier = deliveries.alias("earlier")
        due = (select(d.c.seq)
               .where(d.c.state == _PENDING,
                      or_(d.c.next_attempt_at.is_(None), d.c.next_attempt_at <= now),
                      # a disabled endpoint's deliveries wait until it is enabled again
                      d.c.endpoint_id.in_(select(endpoints.c.id).where(endpoints.c.enabled)),
                      ~exists().where(earlier.c.endpoint_id == d.c.endpoint_id,
                                      earlier.c.ticket_id == d.c.ticket_id,
                                      earlier.c.state == _PENDING,
                                      earlier.c.seq < d.c.seq))
               .order_by(d.c.seq).limit(limit))
        if self.engine.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True, of=d)
        statement = (update(deliveries).where(deliveries.c.seq.in_(due.scalar_subquery()))
                     .values(attempts=deliveries.c.attempts + 1, next_attempt_at=now + lease)
                     .returning(*deliveries.c))

        def claim(connection: Connection) -> tuple[list[RowMapping], dict[str, RowMapping]]:
            rows = list(connection.execute(statement).mappings())
            ids = sorted({r["endpoint_id"] for r in rows})
            targets = {r["id"]: r for r in connection.execute(
                select(endpoints.c.id, endpoints.c.url, endpoints.c.sealed_secret)
                .where(endpoints.c.id.in_(ids))).mappings()} if ids else {}
            return rows, targets

        rows, targets = self._write(claim)
        rows.sort(key=lambda r: r["seq"])  # RETURNING promises no order
        claimed = []
        for row in rows:
            target = targets[row["endpoint_id"]]
            try:
                secret = unseal(self.box, target["sealed_secret"], WEBHOOK_SECRET, target["id"])
            except SecretUnreadable as error:
                log.error("webhook delivery %s parked: %s", row["id"], error)
                self.mark_failed(row["id"], None, f"cannot open the endpoint's secret: {error}")
                continue
            assert secret is not None
            claimed.append(ClaimedDelivery(delivery_from(row), target["url"], secret))
        return claimed

    def _mark(self, delivery_id: str, **values: Any) -> None:
        def mark(connection: Connection) -> int:
            return connection.execute(update(deliveries).where(deliveries.c.id == delivery_id)
                                      .values(**values)).rowcount

        if self._write(mark) != 1:
            raise KeyError(delivery_id)

    def mark_delivered(self, delivery_id: str, status: int, at: datetime) -> None:
        self._mark(delivery_id, state=DeliveryState.DELIVERED.value, response_status=status,
                   last_error="", delivered_at=at, next_attempt_at=None)

    def mark_retry(self, delivery_id: str, status: int | None, error: str,
                   next_attempt_at: datetime) -> None:
        self._mark(delivery_id, response_status=status, last_error=error,
                   next_attempt_at=next_attempt_at)

    def mark_failed(self, delivery_id: str, status: int | None, error: str) -> None:
        self._mark(delivery_id, state=DeliveryState.FAILED.value, response_status=status,
                   last_error=error, next_attempt_at=None)

    def get(self, delivery_id: str) -> WebhookDelivery | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(deliveries).where(deliveries.c.id == delivery_id)
                                     ).mappings().first()
            return delivery_from(row) if row else None
