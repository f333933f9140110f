"""Webhook endpoints and deliveries in memory: the repository and the worker's queue."""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import evolve

from clico_core.webhooks import (
    ClaimedDelivery,
    DeliveryState,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

from .store import MemoryStore, UndoLog, fresh


def _public(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    return evolve(endpoint, secret="")


class MemoryWebhooks:
    def __init__(self, store: MemoryStore, undo: UndoLog) -> None:
        self.store = store
        self.undo = undo

    def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        self.undo.put(self.store.webhook_endpoints, endpoint.id, endpoint)

    def endpoints(self) -> list[WebhookEndpoint]:
        return [_public(e) for e in sorted(self.store.webhook_endpoints.values(),
                                           key=lambda e: (e.created_at, e.id))]

    def get_endpoint(self, endpoint_id: str) -> WebhookEndpoint | None:
        endpoint = self.store.webhook_endpoints.get(endpoint_id)
        return _public(endpoint) if endpoint else None

    def matching(self, event: WebhookEvent, company_id: str) -> list[WebhookEndpoint]:
        return [e for e in self.endpoints() if e.wants(event, company_id)]

    def enqueue(self, delivery: WebhookDelivery) -> None:
        self.undo.put(self.store.webhook_deliveries, delivery.id, delivery)

    def deliveries(self, endpoint_id: str, limit: int) -> list[WebhookDelivery]:
        mine = [d for d in self.store.webhook_deliveries.values()
                if d.endpoint_id == endpoint_id]
        return fresh(mine[::-1][:limit])

    def resend(self, endpoint_id: str, delivery_id: str, now: datetime,
               give_up_at: datetime) -> bool:
        delivery = self.store.webhook_deliveries.get(delivery_id)
        if delivery is None or delivery.endpoint_id != endpoint_id:
            return False
        self.undo.put(self.store.webhook_deliveries, delivery_id, evolve(
            delivery, state=DeliveryState.PENDING, next_attempt_at=now,
            give_up_at=give_up_at))
        return True

    def change_endpoint(self, endpoint_id: str, events: frozenset[WebhookEvent],
                        enabled: bool) -> bool:
        endpoint = self.store.webhook_endpoints.get(endpoint_id)
        if endpoint is None:
            return False
        self.undo.put(self.store.webhook_endpoints, endpoint_id,
                      evolve(endpoint, events=events, enabled=enabled))
        return True

    def delete_endpoint(self, endpoint_id: str) -> int | None:
        if endpoint_id not in self.store.webhook_endpoints:
            return None
        doomed = [d.id for d in self.store.webhook_deliveries.values()
                  if d.endpoint_id == endpoint_id]
        for delivery_id in doomed:
            self.undo.delete(self.store.webhook_deliveries, delivery_id)
        self.undo.delete(self.store.webhook_endpoints, endpoint_id)
        return len(doomed)

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        doomed = [d.id for d in self.store.webhook_deliveries.values() if _finished_before(
            d, cutoff)][:limit]
        for delivery_id in doomed:
            self.undo.delete(self.store.webhook_deliveries, delivery_id)
        return len(doomed)


def _finished_before(delivery: WebhookDelivery, cutoff: datetime) -> bool:
    if delivery.state is DeliveryState.DELIVERED:
        return delivery.delivered_at is not None and delivery.delivered_at < cutoff
    return delivery.state is DeliveryState.FAILED and delivery.give_up_at < cutoff


class MemoryWebhookQueue:
    """Claims under the store's lock: one worker at a time, as SQLite's write lock does."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[ClaimedDelivery]:
        with self.store.lock:
            blocked: set[tuple[str, str]] = set()  # (endpoint, ticket) with an earlier one
            claimed: list[ClaimedDelivery] = []
            for d in list(self.store.webhook_deliveries.values()):  # in recording order
                if d.state is not DeliveryState.PENDING:
                    continue
                key = (d.endpoint_id, d.ticket_id)
                if key in blocked:
                    continue
                blocked.add(key)
                due = d.next_attempt_at is None or d.next_attempt_at <= now
                endpoint = self.store.webhook_endpoints.get(d.endpoint_id)
                ready = endpoint is not None and endpoint.enabled
                if due and ready and endpoint is not None and len(claimed) < limit:
                    d = evolve(d, attempts=d.attempts + 1, next_attempt_at=now + lease)
                    self.store.webhook_deliveries[d.id] = d
                    claimed.append(ClaimedDelivery(d, endpoint.url, endpoint.secret))
            return claimed

    def _mark(self, delivery_id: str, **values: object) -> None:
        with self.store.lock:
            delivery = self.store.webhook_deliveries[delivery_id]
            self.store.webhook_deliveries[delivery_id] = evolve(delivery, **values)  # type: ignore[arg-type]

    def mark_delivered(self, delivery_id: str, status: int, at: datetime) -> None:
        self._mark(delivery_id, state=DeliveryState.DELIVERED, response_status=status,
                   last_error="", delivered_at=at, next_attempt_at=None)

    def mark_retry(self, delivery_id: str, status: int | None, error: str,
                   next_attempt_at: datetime) -> None:
        self._mark(delivery_id, response_status=status, last_error=error,
                   next_attempt_at=next_attempt_at)

    def mark_failed(self, delivery_id: str, status: int | None, error: str) -> None:
        self._mark(delivery_id, state=DeliveryState.FAILED, response_status=status,
                   last_error=error, next_attempt_at=None)

    def get(self, delivery_id: str) -> WebhookDelivery | None:
        with self.store.lock:
            return self.store.webhook_deliveries.get(delivery_id)
