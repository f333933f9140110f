"""The webhook tables (migrations 0020, 0026), on the schema's one ``metadata`` (tables.py)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)

from .tables import ID, Serial, metadata
from .types import SortableText, UtcDateTime

webhook_endpoints = Table(
    "webhook_endpoints", metadata,
    Column("id", SortableText(ID), primary_key=True),
    Column("url", Text, nullable=False),
    Column("company_id", SortableText(ID), ForeignKey("companies.id")),  # NULL: global
    Column("events", JSON, nullable=False),  # the event types, sorted
    # the HMAC key, sealed with the SecretBox bound to the endpoint (docs/security.md)
    Column("sealed_secret", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # false: no new deliveries, the pending ones wait (migration 0026)
    Column("enabled", Boolean, nullable=False, server_default=true()),
    Index(None, "company_id"),
)

# The webhook outbox: one row per event and endpoint, written in the change's transaction.
webhook_deliveries = Table(
    "webhook_deliveries", metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),  # recording order
    Column("id", SortableText(ID), nullable=False),
    Column("endpoint_id", SortableText(ID), ForeignKey("webhook_endpoints.id"),
           nullable=False),
    Column("event", String(40), nullable=False),
    Column("ticket_id", SortableText(ID), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("give_up_at", UtcDateTime, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime),
    Column("response_status", Integer),
    Column("last_error", Text, nullable=False),
    Column("delivered_at", UtcDateTime),
    UniqueConstraint("id"),
    Index(None, "state", "next_attempt_at"),
    Index(None, "endpoint_id", "seq"),  # the delivery log
    Index(None, "endpoint_id", "ticket_id", "seq"),  # order per ticket when claiming
)
