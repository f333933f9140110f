"""Mail as data: the core says which message to whom; an adapter renders and sends it."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime

from attrs import frozen

from .values import Language


class MailTemplate(enum.StrEnum):
    CONFIRM_EMAIL = "confirm-email"
    ACCOUNT_EXISTS = "account-exists"  # sign-up with an e-mail already registered
    LOGIN_TAKEN = "login-taken"  # sign-up with a free e-mail but a login already taken
    PASSWORD_RESET = "password-reset"
    SIGN_IN_CODE = "sign-in-code"
    PASSWORD_CHANGED = "password-changed"
    CONTRACT_ACTIVATED = "contract-activated"
    TICKET_CREATED = "ticket-created"
    TICKET_CHANGED = "ticket-changed"  # the status moved (by staff, or closed by itself)
    TICKET_REPLY = "ticket-reply"  # a public reply: to the reporter, or to staff
    TICKET_CLOSING_SOON = "ticket-closing-soon"  # a quiet resolved ticket closes in 2 days
    TWO_FACTOR_CHANGED = "two-factor-changed"  # authenticator app turned on or off
    TICKET_SLA_ALERT = "ticket-sla-alert"  # to staff: 75 % of an SLA target used, or breached
    STAFF_INVITATION = "staff-invitation"  # a new engineer or administrator sets a password


@frozen
class OutgoingMail:
    """One message to send. ``context`` holds plain strings; links are paths below the base URL."""

    template: MailTemplate
    to: str
    language: Language
    context: Mapping[str, str]


# The context key naming the ticket a mail belongs to (its id): the renderer threads every
# mail carrying it under one root Message-ID derived from that id (docs/mail.md, "Threads").
THREAD_KEY = "thread"

# Context values that carry a secret (a one-time code, a link holding a token). They must be
# in the outbox until the mail is sent; after that only their digests exist anywhere.
SECRET_CONTEXT_KEYS = frozenset({"code", "link_path"})
REDACTED = "[redacted]"


def redacted(context: Mapping[str, str]) -> dict[str, str]:
    """The context with every secret-bearing value replaced, as kept after delivery."""
    return {k: (REDACTED if k in SECRET_CONTEXT_KEYS else v) for k, v in context.items()}


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # parked after too many tries; an operator may retry it


@frozen
class OutboxMessage:
    """A queued mail with its delivery bookkeeping; ``id`` becomes the Message-ID."""

    id: str
    mail: OutgoingMail
    created_at: datetime
    state: DeliveryState = DeliveryState.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str = ""
    sent_at: datetime | None = None
    # the web request that queued it ("" for jobs and commands): the mail carries it in a
    # header, so an operator finds the request's log line from a mail a customer forwards
    request_id: str = ""


@frozen
class OutboxStats:
    pending: int
    sent: int
    failed: int
    oldest_pending_at: datetime | None
