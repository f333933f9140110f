"""The delivery side of the in-memory outbox (what the mail worker claims and marks)."""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import evolve

from clico_core.mail import DeliveryState, OutboxMessage, OutboxStats, redacted

from .store import MemoryStore


class MemoryMailQueue:
    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def _set(self, message: OutboxMessage) -> None:
        self.store.outbox[message.id] = message

    def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxMessage]:
        with self.store.lock:
            due = sorted((m for m in self.store.outbox.values()
                          if m.state is DeliveryState.PENDING
                          and (m.next_attempt_at is None or m.next_attempt_at <= now)),
                         key=lambda m: m.created_at)[:limit]
            claimed = [evolve(m, attempts=m.attempts + 1, next_attempt_at=now + lease)
                       for m in due]
            for message in claimed:
                self._set(message)
            return claimed

    def mark_sent(self, message_id: str, at: datetime) -> None:
        with self.store.lock:
            message = self.store.outbox[message_id]
            mail = evolve(message.mail, context=redacted(message.mail.context))
            self._set(evolve(message, mail=mail, state=DeliveryState.SENT, sent_at=at,
                             last_error=""))

    def mark_retry(self, message_id: str, error: str, next_attempt_at: datetime) -> None:
        with self.store.lock:
            message = self.store.outbox[message_id]
            self._set(evolve(message, state=DeliveryState.PENDING, last_error=error,
                             next_attempt_at=next_attempt_at))

    def mark_failed(self, message_id: str, error: str, at: datetime) -> None:
        with self.store.lock:
            message = self.store.outbox[message_id]
            self._set(evolve(message, state=DeliveryState.FAILED, last_error=error,
                             next_attempt_at=None))

    def retry_failed(self, now: datetime) -> int:
        with self.store.lock:
            failed = [m for m in self.store.outbox.values() if m.state is DeliveryState.FAILED]
            for message in failed:
                self._set(evolve(message, state=DeliveryState.PENDING, attempts=0,
                                 next_attempt_at=now))
            return len(failed)

    def stats(self) -> OutboxStats:
        with self.store.lock:
            messages = list(self.store.outbox.values())
        pending = [m for m in messages if m.state is DeliveryState.PENDING]
        return OutboxStats(
            pending=len(pending),
            sent=sum(1 for m in messages if m.state is DeliveryState.SENT),
            failed=sum(1 for m in messages if m.state is DeliveryState.FAILED),
            oldest_pending_at=min((m.created_at for m in pending), default=None),
        )

    def get(self, message_id: str) -> OutboxMessage | None:
        return self.store.outbox.get(message_id)

    def all(self) -> list[OutboxMessage]:
        """Every message in queue order (handy for tests and the demo)."""
        with self.store.lock:
            return sorted(self.store.outbox.values(), key=lambda m: m.created_at)
