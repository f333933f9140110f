"""The webhook ports: the unit of work's repository, and the delivery side the worker uses."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from .webhooks import ClaimedDelivery, WebhookDelivery, WebhookEndpoint, WebhookEvent


class WebhookRepository(Protocol):
    """Endpoints and their deliveries, inside a unit of work."""

    def add_endpoint(self, endpoint: WebhookEndpoint) -> None: ...
    def endpoints(self) -> list[WebhookEndpoint]:
        """Every endpoint, oldest first, without its secret (``secret`` is "")."""
        ...

    def get_endpoint(self, endpoint_id: str) -> WebhookEndpoint | None:
        """The endpoint without its secret (``secret`` is "")."""
        ...

    def matching(self, event: WebhookEvent, company_id: str) -> list[WebhookEndpoint]:
        """The endpoints that want ``event`` of ``company_id``'s tickets: the company's own
        and the global ones (without their secrets)."""
        ...

    def enqueue(self, delivery: WebhookDelivery) -> None:
        """Record a delivery in the current transaction, after every earlier one."""
        ...

    def deliveries(self, endpoint_id: str, limit: int) -> list[WebhookDelivery]:
        """The endpoint's latest ``limit`` deliveries, newest first."""
        ...

    def resend(self, endpoint_id: str, delivery_id: str, now: datetime,
               give_up_at: datetime) -> bool:
        """Make the delivery due again at ``now`` (same id, same body); False when the
        endpoint holds no such delivery."""
        ...

    def change_endpoint(self, endpoint_id: str, events: frozenset[WebhookEvent],
                        enabled: bool) -> bool:
        """Set the endpoint's events and whether it is enabled; False when there is no
        such endpoint."""
        ...

    def delete_endpoint(self, endpoint_id: str) -> int | None:
        """Delete the endpoint and every delivery of it; the number of deliveries deleted,
        or None when there is no such endpoint."""
        ...

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        """Delete at most ``limit`` finished deliveries: delivered before ``cutoff``, or
        failed with their last try period (``give_up_at``) ended before it. A pending
        delivery is never deleted. Return how many went."""
        ...


class WebhookQueue(Protocol):
    """The delivery side, for the worker (each call its own transaction). ``claim_due``
    never hands one delivery to two workers at once, and never a delivery while an earlier
    one of the same endpoint and ticket is still pending (order per ticket); a claim is a
    lease that expires if the worker dies. A disabled endpoint's deliveries are not claimed:
    they wait until it is enabled again."""

    def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[ClaimedDelivery]: ...
    def mark_delivered(self, delivery_id: str, status: int, at: datetime) -> None: ...
    def mark_retry(self, delivery_id: str, status: int | None, error: str,
                   next_attempt_at: datetime) -> None: ...
    def mark_failed(self, delivery_id: str, status: int | None, error: str) -> None: ...
    def get(self, delivery_id: str) -> WebhookDelivery | None: ...
