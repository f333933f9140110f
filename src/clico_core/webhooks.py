"""Webhooks: endpoints administrators register, the events they choose, each delivery.

An event is recorded as one delivery per matching endpoint in the transaction of the change
that causes it (an outbox, like mail), so an outage of the receiver or of the worker loses
nothing. The body is fixed when the event is recorded; the worker signs it on each try.
Internal notes are never an event: their text never leaves the portal (docs/webhooks.md).
"""

from __future__ import annotations

import enum
import ipaddress
import json
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlsplit

from attrs import frozen

from .errors import ValidationFailed

URL_MAX = 2000
SECRET_BYTES = 32
# a delivery still undelivered this long after its event is parked as failed
GIVE_UP_AFTER_HOURS = 24


class WebhookEvent(enum.StrEnum):
    TICKET_CREATED = "ticket.created"
    PUBLIC_REPLY = "ticket.public_reply"
    STATUS_CHANGED = "ticket.status_changed"
    SLA_WARNING = "ticket.sla_warning"
    SLA_BREACH = "ticket.sla_breach"


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # no success within GIVE_UP_AFTER_HOURS; an administrator may resend


@frozen
class WebhookEndpoint:
    """``company_id`` None: a global endpoint (every company's tickets)."""

    id: str
    url: str
    company_id: str | None
    events: frozenset[WebhookEvent]
    created_at: datetime
    secret: str  # HMAC key; shown once, kept sealed by the SQL adapter
    # a disabled endpoint records no new deliveries; its pending ones wait until enabled
    enabled: bool = True

    def wants(self, event: WebhookEvent, company_id: str) -> bool:
        return (self.enabled and event in self.events
                and self.company_id in (None, company_id))


@frozen
class WebhookDelivery:
    """One event for one endpoint; ``id`` is the delivery id receivers dedupe by."""

    id: str
    endpoint_id: str
    event: WebhookEvent
    ticket_id: str
    body: str  # the JSON document sent, fixed when the event was recorded
    created_at: datetime
    give_up_at: datetime  # tried until then (a resend starts a new period)
    state: DeliveryState = DeliveryState.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    response_status: int | None = None
    last_error: str = ""
    delivered_at: datetime | None = None


@frozen
class ClaimedDelivery:
    """What the worker needs to send a delivery: where, and the key to sign it with."""

    delivery: WebhookDelivery
    url: str
    secret: str


def delivery_body(delivery_id: str, event: WebhookEvent, at: datetime,
                  data: Mapping[str, object]) -> str:
    """The JSON document of a delivery: its id, the event type, when, and the data."""
    return json.dumps({"id": delivery_id, "type": event.value,
                       "created_at": at.isoformat().replace("+00:00", "Z"),
                       "data": dict(data)}, ensure_ascii=False, separators=(",", ":"))


_LOCAL_NAMES = ("localhost", "localhost.localdomain")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain")


def is_private_host(host: str) -> bool:
    """A literal address that is not globally routable (loopback, private, link-local,
    reserved, …) or a name that by convention stays on the machine or the local network."""
    name = host.strip("[]").lower().rstrip(".")
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return name in _LOCAL_NAMES or name.endswith(_LOCAL_SUFFIXES)
    return is_private_address(address)


def is_private_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def check_url(url: str, *, allow_private: bool) -> str:
    """The endpoint's address, trimmed, or ``ValidationFailed`` on ``url``: http or https
    only, a host, no credentials, no spaces or control characters; a private or loopback
    host only when the portal allows it (``CLICO_WEBHOOKS_ALLOW_PRIVATE``)."""
    url = url.strip()
    if not url:
        raise ValidationFailed({"url": "required"})
    if len(url) > URL_MAX or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise ValidationFailed({"url": "invalid"})
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not one
    except ValueError:
        raise ValidationFailed({"url": "invalid"}) from None
    if parts.scheme not in ("http", "https") or not host:
        raise ValidationFailed({"url": "invalid"})
    if parts.username is not None or parts.password is not None:
        raise ValidationFailed({"url": "invalid"})
    if not allow_private and is_private_host(host):
        raise ValidationFailed({"url": "private_address"})
    return url


def read_events(values: list[str]) -> frozenset[WebhookEvent]:
    """The chosen events, or ``ValidationFailed`` on ``events`` (none, or one unknown)."""
    try:
        events = frozenset(WebhookEvent(v) for v in values)
    except ValueError:
        raise ValidationFailed({"events": "invalid"}) from None
    if not events:
        raise ValidationFailed({"events": "required"})
    return events
