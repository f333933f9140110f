"""Webhook endpoints and the deliveries recorded in the change's own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.engine import RowMapping

from clico_core.webhooks import DeliveryState, WebhookDelivery, WebhookEndpoint, WebhookEvent

from ..sealing import WEBHOOK_SECRET, seal
from ..webhook_tables import webhook_deliveries as deliveries
from ..webhook_tables import webhook_endpoints as endpoints
from .base import SqlRepository

_PUBLIC = (endpoints.c.id, endpoints.c.url, endpoints.c.company_id, endpoints.c.events,
           endpoints.c.created_at, endpoints.c.enabled)
# read on every ticket write: built once, with a bound parameter
_MATCHING = (select(*_PUBLIC)
             .where((endpoints.c.company_id == bindparam("company_id"))
                    | endpoints.c.company_id.is_(None), endpoints.c.enabled)
             .order_by(endpoints.c.created_at, endpoints.c.id))


def endpoint_from(row: RowMapping, secret: str = "") -> WebhookEndpoint:
    return WebhookEndpoint(id=row["id"], url=row["url"], company_id=row["company_id"],
                           events=frozenset(WebhookEvent(e) for e in row["events"]),
                           created_at=row["created_at"], secret=secret,
                           enabled=bool(row["enabled"]))


def delivery_from(row: RowMapping) -> WebhookDelivery:
    return WebhookDelivery(
        id=row["id"], endpoint_id=row["endpoint_id"], event=WebhookEvent(row["event"]),
        ticket_id=row["ticket_id"], body=row["body"], created_at=row["created_at"],
        give_up_at=row["give_up_at"], state=DeliveryState(row["state"]),
        attempts=row["attempts"], next_attempt_at=row["next_attempt_at"],
        response_status=row["response_status"], last_error=row["last_error"],
        delivered_at=row["delivered_at"])


def delivery_values(delivery: WebhookDelivery) -> dict[str, Any]:
    return {"id": delivery.id, "endpoint_id": delivery.endpoint_id,
            "event": delivery.event.value, "ticket_id": delivery.ticket_id,
            "body": delivery.body, "created_at": delivery.created_at,
            "give_up_at": delivery.give_up_at, "state": delivery.state.value,
            "attempts": delivery.attempts, "next_attempt_at": delivery.next_attempt_at,
            "response_status": delivery.response_status, "last_error": delivery.last_error,
            "delivered_at": delivery.delivered_at}


class SqlWebhooks(SqlRepository):
    def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        self.uow.execute(insert(endpoints).values(
            id=endpoint.id, url=endpoint.url, company_id=endpoint.company_id,
            events=sorted(e.value for e in endpoint.events), created_at=endpoint.created_at,
            enabled=endpoint.enabled,
            sealed_secret=seal(self.uow.box, endpoint.secret, WEBHOOK_SECRET, endpoint.id)))

    def endpoints(self) -> list[WebhookEndpoint]:
        rows = self.uow.execute(select(*_PUBLIC).order_by(endpoints.c.created_at,
                                                          endpoints.c.id)).mappings()
        return [endpoint_from(r) for r in rows]

    def get_endpoint(self, endpoint_id: str) -> WebhookEndpoint | None:
        row = self.uow.execute(select(*_PUBLIC).where(endpoints.c.id == endpoint_id)
                               ).mappings().first()
        return endpoint_from(row) if row else None

    def matching(self, event: WebhookEvent, company_id: str) -> list[WebhookEndpoint]:
        # few endpoints exist: the event filter runs here rather than on a JSON column
        rows = self.uow.execute(_MATCHING, {"company_id": company_id}).mappings()
        return [e for e in map(endpoint_from, rows) if e.wants(event, company_id)]

    def enqueue(self, delivery: WebhookDelivery) -> None:
        self.uow.execute(insert(deliveries), delivery_values(delivery))

    def deliveries(self, endpoint_id: str, limit: int) -> list[WebhookDelivery]:
        rows = self.uow.execute(select(deliveries).where(deliveries.c.endpoint_id == endpoint_id)
                                .order_by(deliveries.c.seq.desc()).limit(limit)).mappings()
        return [delivery_from(r) for r in rows]

    def resend(self, endpoint_id: str, delivery_id: str, now: datetime,
               give_up_at: datetime) -> bool:
        result = self.uow.execute(update(deliveries).where(
            deliveries.c.id == delivery_id, deliveries.c.endpoint_id == endpoint_id).values(
            state=DeliveryState.PENDING.value, next_attempt_at=now, give_up_at=give_up_at))
        return int(result.rowcount) == 1

    def change_endpoint(self, endpoint_id: str, events: frozenset[WebhookEvent],
                        enabled: bool) -> bool:
        result = self.uow.execute(update(endpoints).where(endpoints.c.id == endpoint_id).values(
            events=sorted(e.value for e in events), enabled=enabled))
        return int(result.rowcount) == 1

    def delete_endpoint(self, endpoint_id: str) -> int | None:
        found = self.uow.execute(select(endpoints.c.id).where(endpoints.c.id == endpoint_id)
                                 .with_for_update()).first()
        if found is None:
            return None
        gone = self.uow.execute(delete(deliveries).where(
            deliveries.c.endpoint_id == endpoint_id)).rowcount
        self.uow.execute(delete(endpoints).where(endpoints.c.id == endpoint_id))
        return int(gone)

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        return self.delete_batch(deliveries, or_(
            and_(deliveries.c.state == DeliveryState.DELIVERED.value,
                 deliveries.c.delivered_at < cutoff),
            and_(deliveries.c.state == DeliveryState.FAILED.value,
                 deliveries.c.give_up_at < cutoff)), limit)
