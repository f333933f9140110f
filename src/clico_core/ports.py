"""The ports: what the core needs from the world, as ``typing.Protocol``s.

Adapters (``clico_adapters.memory``, ``clico_adapters.sql``, …) implement them; the core
imports nothing but these. The unit of work's repositories live in ``repositories.py`` and are
re-exported here, so ``from clico_core.ports import AccountRepository`` keeps working.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Protocol, Self

from attrs import frozen

from .accounts import Account
from .api_tokens import ApiToken
from .attachments import BlobRef
from .contract_repositories import (
    AssetPage,
    AssetRepository,
    ContractRepository,
    NamedContractPage,
)
from .contracts import Contract
from .kb.ports import KbRepository, KbSearchIndex
from .mail import OutboxMessage, OutboxStats
from .repositories import (
    AccountRepository,
    ArticleRepository,
    AttachmentRepository,
    AttemptLog,
    AuditLog,
    CompanyRepository,
    Outbox,
    PresenceRepository,
    QuietTicket,
    ReplyTemplateRepository,
    Seen,
    SessionHolder,
    SessionRepository,
    SlaRecord,
    SupportLevelRepository,
    TicketRepository,
    TokenRepository,
)
from .webhook_ports import WebhookQueue, WebhookRepository

# --- infrastructure ports ---------------------------------------------------------------


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SecretGenerator(Protocol):
    def token(self, nbytes: int) -> str:
        """A URL-safe random secret carrying ``nbytes`` bytes of entropy."""
        ...

    def digits(self, count: int) -> str:
        """A uniformly random numeric code of exactly ``count`` digits."""
        ...

    def key(self, nbits: int) -> str:
        """An activation key of at least ``nbits`` bits in unambiguous upper-case characters."""
        ...

    def new_id(self) -> str:
        """A fresh unique identifier for an entity."""
        ...


class TotpVerifier(Protocol):
    """Time-based one-time passwords (RFC 6238) from an authenticator app."""

    def new_secret(self) -> str:
        """A fresh base32 shared secret (at least 160 bits)."""
        ...

    def provisioning_uri(self, secret: str, account_name: str, issuer: str) -> str:
        """The ``otpauth://`` URI an authenticator app imports (usually as a QR code)."""
        ...

    def matching_step(self, secret: str, code: str, at: datetime) -> int | None:
        """The time step (±1 around ``at``) whose code equals ``code``, or None."""
        ...


class SecretUnreadable(Exception):
    """A sealed secret cannot be opened: its key is not configured, or the stored value was
    altered or copied from another row. Never answered by treating the secret as absent."""


class SecretBox(Protocol):
    """Authenticated encryption of the few secrets that must be stored readable (an
    authenticator app's shared secret, a queued mail's code or link); docs/security.md.

    ``purpose`` names the use (each gets its own key) and ``bound_to`` the row, so a sealed
    value opens only for the same purpose and row it was sealed for.
    """

    def seal(self, plaintext: str, *, purpose: str, bound_to: str) -> str:
        """The plaintext encrypted under the current key, as text that names that key."""
        ...

    def open(self, sealed: str, *, purpose: str, bound_to: str) -> str:
        """The plaintext; ``SecretUnreadable`` when it cannot be opened or was altered."""
        ...

    def is_current(self, sealed: str) -> bool:
        """True when ``sealed`` is under the current key (else a rotation re-seals it)."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, stored_hash: str, password: str) -> bool:
        """True when the password matches; False for a mismatch or an unusable hash."""
        ...

    def needs_rehash(self, stored_hash: str) -> bool: ...

    def dummy_verify(self, password: str) -> None:
        """Spend the time of one verification, so an unknown account costs the same."""
        ...


class BlobStore(Protocol):
    """Bytes by their SHA-256, streamed in and out (a directory, an S3-compatible bucket).

    No paths and no whole files in memory: ``put`` consumes an iterable of chunks. The
    conformance suite (``clico_core.testing.conformance.BlobStoreConformance``) says what
    an implementation must do.
    """

    def put(self, chunks: Iterable[bytes]) -> BlobRef:
        """Store the bytes under their SHA-256 (storing the same bytes twice keeps one copy
        and makes it young again for ``list_older_than``). Atomic: if ``chunks`` raises,
        nothing is stored or left behind and the error propagates."""
        ...

    def open(self, digest: str) -> Iterator[bytes]:
        """The stored bytes in chunks; ``NotFound`` (before any chunk) when there are none."""
        ...

    def exists(self, digest: str) -> bool: ...

    def delete(self, digest: str, before: datetime | None = None) -> bool:
        """Remove the blob (only if last stored before ``before``, when given); False when
        there was none or it is younger."""
        ...

    def list_older_than(self, before: datetime) -> Iterator[str]:
        """Digests of the blobs stored (or last stored again) before ``before``."""
        ...

    def discard_incomplete(self, before: datetime) -> int:
        """Remove uploads a crash left unfinished before ``before``; return how many."""
        ...


TypeSniffer = Callable[[bytes], str | None]
"""The media type told from a file's first bytes (``attachments.SNIFF_BYTES``), or None."""


# --- repositories (clico_core/repositories.py) ----------------------------------------


class MailQueue(Protocol):
    """The delivery side of the outbox, used by the mail worker (outside any unit of work).

    ``claim_due`` must never hand one message to two workers at once (on PostgreSQL:
    ``FOR UPDATE SKIP LOCKED``); a claim is a lease that expires if the worker dies.
    """

    def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxMessage]: ...
    def mark_sent(self, message_id: str, at: datetime) -> None: ...
    def mark_retry(self, message_id: str, error: str, next_attempt_at: datetime) -> None: ...
    def mark_failed(self, message_id: str, error: str, at: datetime) -> None: ...
    def retry_failed(self, now: datetime) -> int:
        """Move parked messages back to pending; return how many."""
        ...

    def stats(self) -> OutboxStats: ...
    def get(self, message_id: str) -> OutboxMessage | None: ...


@frozen
class TokenHolder:
    """A token read together with its account and the contracts active on the account."""

    token: ApiToken
    account: Account
    active_contracts: tuple[Contract, ...]  # as ``ContractRepository.active_for_account``


class ApiTokenRepository(Protocol):
    """Personal access tokens of the JSON API (``clico_core.api_tokens``)."""

    def add(self, token: ApiToken) -> None: ...
    def get(self, token_id: str) -> ApiToken | None: ...
    def get_by_hash(self, token_hash: str) -> ApiToken | None: ...
    def get_with_holder(self, token_hash: str, on: date) -> TokenHolder | None:
        """The token, its account and the account's contracts valid ``on`` (ordered by
        number), in one read: the lookup of every API request."""
        ...

    def list_for(self, account_id: str) -> list[ApiToken]:
        """The account's tokens, newest first (revoked and expired ones included)."""
        ...

    def revoke(self, token_id: str, at: datetime) -> bool:
        """Mark the token revoked; False when there is none or it was revoked already."""
        ...

    def touch(self, token_id: str, at: datetime, client: str) -> None:
        """Record the token's last use: its time and the client's address."""
        ...


class UnitOfWork(Protocol):
    """One transaction: ``with uow:`` rolls back unless ``uow.commit()`` ran."""

    # read-only properties, so implementations may narrow the repository types
    @property
    def companies(self) -> CompanyRepository: ...
    @property
    def accounts(self) -> AccountRepository: ...
    @property
    def contracts(self) -> ContractRepository: ...
    @property
    def assets(self) -> AssetRepository: ...
    @property
    def tickets(self) -> TicketRepository: ...
    @property
    def articles(self) -> ArticleRepository: ...
    @property
    def tokens(self) -> TokenRepository: ...
    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def attempts(self) -> AttemptLog: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def attachments(self) -> AttachmentRepository: ...
    @property
    def presence(self) -> PresenceRepository: ...
    @property
    def reply_templates(self) -> ReplyTemplateRepository: ...
    @property
    def support_levels(self) -> SupportLevelRepository: ...
    @property
    def webhooks(self) -> WebhookRepository: ...
    @property
    def api_tokens(self) -> ApiTokenRepository: ...
    @property
    def kb(self) -> KbRepository: ...
    @property
    def kb_search(self) -> KbSearchIndex: ...

    def __enter__(self) -> Self: ...
    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, readonly: bool = False) -> UnitOfWork:
        """A fresh unit of work; ``readonly`` ones may skip write locks."""
        ...


SanitizeHtml = Callable[[str], str]

__all__ = [
    "AccountRepository",
    "ApiTokenRepository",
    "ArticleRepository",
    "AssetPage",
    "AssetRepository",
    "AttachmentRepository",
    "AttemptLog",
    "AuditLog",
    "BlobStore",
    "Clock",
    "CompanyRepository",
    "ContractRepository",
    "MailQueue",
    "NamedContractPage",
    "Outbox",
    "PasswordHasher",
    "PresenceRepository",
    "QuietTicket",
    "ReplyTemplateRepository",
    "SanitizeHtml",
    "SecretBox",
    "SecretGenerator",
    "SecretUnreadable",
    "Seen",
    "SessionHolder",
    "SessionRepository",
    "SlaRecord",
    "SupportLevelRepository",
    "TicketRepository",
    "TokenHolder",
    "TokenRepository",
    "TotpVerifier",
    "TypeSniffer",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "WebhookQueue",
    "WebhookRepository",
]
