"""The outbox as seen inside a unit of work: queue a mail with the state change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert

from clico_core.mail import DeliveryState, OutboxMessage, OutgoingMail

from ...request_context import current_request_id
from ..mapping import outbox_values
from ..tables import outbox
from .base import SqlRepository

if TYPE_CHECKING:
    from ..uow import SqlUnitOfWork


class SqlOutbox(SqlRepository):
    def __init__(self, uow: SqlUnitOfWork, new_id: Callable[[], str]) -> None:
        super().__init__(uow)
        self.new_id = new_id

    def add(self, mail: OutgoingMail, at: datetime) -> str:
        message_id = self.new_id()
        message = OutboxMessage(message_id, mail, at, next_attempt_at=at,
                                request_id=current_request_id())
        self.uow.execute(insert(outbox), outbox_values(message, self.uow.box))
        return message_id

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        return self.delete_batch(outbox, (outbox.c.state == DeliveryState.SENT.value)
                                 & (outbox.c.sent_at < cutoff), limit)
