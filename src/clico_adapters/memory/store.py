"""The shared in-memory state behind ``MemoryUnitOfWork``, with an undo log for rollback."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from attrs import define, field

from clico_core.accounts import Account
from clico_core.api_tokens import ApiToken
from clico_core.articles import Article
from clico_core.assets import Asset
from clico_core.attachments import Attachment
from clico_core.audit import AuditEvent
from clico_core.companies import Company
from clico_core.contracts import Activation, Contract
from clico_core.kb import KbArticle, KbChange, KbEventKind, KbVersion
from clico_core.mail import OutboxMessage
from clico_core.reply_templates import ReplyTemplate
from clico_core.sessions import Session
from clico_core.sla import LevelSpec
from clico_core.tickets import Ticket
from clico_core.tokens import Token
from clico_core.webhooks import WebhookDelivery, WebhookEndpoint

K = TypeVar("K")
V = TypeVar("V")


@define
class MemoryStore:
    """Every table of the in-memory adapter; one instance is one database."""

    companies: dict[str, Company] = field(factory=dict)
    accounts: dict[str, Account] = field(factory=dict)
    contracts: dict[str, Contract] = field(factory=dict)
    activations: dict[tuple[str, str], Activation] = field(factory=dict)
    assets: dict[str, Asset] = field(factory=dict)
    tickets: dict[str, Ticket] = field(factory=dict)
    articles: dict[str, Article] = field(factory=dict)
    tokens: dict[str, Token] = field(factory=dict)
    sessions: dict[str, Session] = field(factory=dict)
    attempts: dict[str, list[datetime]] = field(factory=dict)
    claims: dict[str, datetime] = field(factory=dict)  # key -> held until
    audit: list[AuditEvent] = field(factory=list)
    audit_seqs: list[int] = field(factory=list)  # each event's place in the log, as SQL's seq
    audit_sequence: list[int] = field(factory=lambda: [0])  # the last seq given
    outbox: dict[str, OutboxMessage] = field(factory=dict)
    attachments: dict[str, Attachment] = field(factory=dict)
    presence: dict[tuple[str, str], datetime] = field(factory=dict)  # (ticket, account)
    reply_templates: dict[str, ReplyTemplate] = field(factory=dict)
    support_levels: dict[str, LevelSpec] = field(factory=dict)
    api_tokens: dict[str, ApiToken] = field(factory=dict)
    recovery_codes: dict[str, frozenset[str]] = field(factory=dict)  # account -> code hashes
    webhook_endpoints: dict[str, WebhookEndpoint] = field(factory=dict)
    webhook_deliveries: dict[str, WebhookDelivery] = field(factory=dict)  # recording order
    kb_articles: dict[str, KbArticle] = field(factory=dict)
    kb_versions: dict[tuple[str, int], KbVersion] = field(factory=dict)
    kb_events: list[tuple[str, KbEventKind, str | None, datetime]] = field(factory=list)
    kb_changes: list[KbChange] = field(factory=list)
    ticket_sequence: list[int] = field(factory=lambda: [0])
    # One writer at a time, like SQLite: a unit of work holds it from enter to exit.
    lock: threading.RLock = field(factory=threading.RLock)


@define
class UndoLog:
    """Closures that put back what a unit of work changed, run in reverse on rollback."""

    steps: list[Callable[[], object]] = field(factory=list)  # what a step returns is unused

    def put(self, table: dict[K, V], key: K, value: V) -> None:
        """Set ``table[key]`` to a private copy of ``value``, remembering the old state."""
        if key in table:
            old = table[key]
            self.steps.append(lambda: table.__setitem__(key, old))
        else:
            self.steps.append(lambda: table.pop(key, None))
        table[key] = copy.deepcopy(value)

    def append(self, items: list[V], value: V) -> None:
        items.append(value)
        self.steps.append(items.pop)

    def delete(self, table: dict[K, V], key: K) -> None:
        old = table.pop(key)
        self.steps.append(lambda: table.__setitem__(key, old))

    def replace(self, items: list[V], values: list[V]) -> None:
        """Make ``items`` hold ``values`` instead (the same list object)."""
        old = list(items)
        items[:] = values
        self.steps.append(lambda: items.__setitem__(slice(None), old))

    def undo(self) -> None:
        while self.steps:
            self.steps.pop()()

    def forget(self) -> None:
        self.steps.clear()


def fresh(value: V) -> V:
    """A private copy, so callers never mutate stored state behind the unit of work's back."""
    return copy.deepcopy(value)
