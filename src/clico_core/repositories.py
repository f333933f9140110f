"""The repositories of the unit of work, as ``typing.Protocol``s: what the domain needs to
store and find, not what SQL offers (contracts and assets: ``contract_repositories.py``).
``clico_core.ports`` re-exports them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from attrs import frozen

from .accounts import Account
from .articles import Article, ArticleCursor, ArticlePage
from .attachments import Attachment, AttachmentId
from .audit import AuditEvent, AuditKind, LoggedEvent
from .companies import Company
from .contracts import Contract
from .mail import OutgoingMail
from .reply_templates import ReplyTemplate
from .sessions import Session
from .sla import LevelSpec, TicketSla
from .tickets import Ticket, TicketLink, TicketPage, TicketQuery, TicketScope
from .tokens import Token, TokenPurpose
from .values import AccountId, ArticleId, AssetId, CompanyId, ContractId, TicketId


class CompanyRepository(Protocol):
    def add(self, company: Company) -> None: ...
    def get(self, company_id: CompanyId) -> Company | None: ...
    def get_by_name(self, name: str) -> Company | None:
        """Lookup by the normalised key (case and spacing do not matter)."""
        ...

    def list_by_ids(self, company_ids: Sequence[CompanyId] | None = None) -> list[Company]:
        """Companies with the given ids (all when None), ordered by name."""
        ...

    def search(self, text: str, limit: int) -> list[Company]:
        """At most ``limit`` companies, by name: those whose folded name contains ``text``
        (``company_key``), or that hold a contract numbered ``text``, an asset whose serial
        is ``text`` or an account with the e-mail ``text`` (``email_key``)."""
        ...


class AccountRepository(Protocol):
    def add(self, account: Account) -> None:
        """Insert; raise ``ValidationFailed`` on a taken login or e-mail."""
        ...

    def get(self, account_id: AccountId) -> Account | None: ...
    def get_by_login(self, login: str) -> Account | None: ...
    def get_by_email(self, email: str) -> Account | None: ...
    def update(self, account: Account) -> None:
        """Persist every field of an account loaded from this unit of work."""
        ...

    def advance_totp_step(self, account_id: AccountId, step: int) -> bool:
        """Record ``step`` as the last accepted TOTP step only if it is newer than the stored
        one (a conditional update); False means the code was already used (a replay)."""
        ...

    def list_for_companies(self, company_ids: Sequence[CompanyId] | None = None
                           ) -> list[Account]:
        """Accounts of the given companies (all when None), ordered by last and first name."""
        ...

    def get_many(self, account_ids: Sequence[AccountId]) -> list[Account]:
        """The accounts of those ids in one read, in no particular order; unknown ids are
        skipped."""
        ...

    def company_watchers(self, company_id: CompanyId, on: date) -> list[Account]:
        """Active customer accounts that asked to hear about their company's tickets
        (``notify_company_tickets``) and may see them: each has activated a contract of
        ``company_id`` valid on ``on``. Ordered by id; one read."""
        ...

    def list_staff(self) -> list[Account]:
        """Engineers and administrators, ordered by last and first name."""
        ...

    def replace_recovery_codes(self, account_id: AccountId, code_hashes: Sequence[str],
                               at: datetime) -> None:
        """Forget the account's recovery codes and keep these hashes instead (none: no
        codes)."""
        ...

    def use_recovery_code(self, account_id: AccountId, code_hash: str) -> bool:
        """Remove one unused recovery code, conditionally; False when it is not (or no
        longer) there, so of two requests with one code only one wins."""
        ...

    def recovery_codes_left(self, account_id: AccountId) -> int: ...


class TicketRepository(Protocol):
    def next_number(self) -> int:
        """The next ticket sequence number; unique even under concurrent creation."""
        ...

    def add(self, ticket: Ticket) -> None:
        """Insert the ticket with its assets and answers."""
        ...

    def get(self, ticket_id: TicketId) -> Ticket | None:
        """The ticket; in a write unit of work its row stays locked until the end (as
        ``get_by_number``), so a concurrent change waits and then reads ours."""
        ...

    def get_by_number(self, number: str) -> Ticket | None: ...
    def get_by_idempotency_key(self, reporter_id: AccountId, key: str) -> Ticket | None: ...
    def follow_ups_of(self, ticket_id: TicketId) -> list[TicketLink]:
        """The tickets opened as follow-ups of this one (``follows_id``), oldest first."""
        ...

    def page_for(self, scope: TicketScope, query: TicketQuery) -> TicketPage:
        """One page of the list the scope may see, filtered and sorted before paging."""
        ...

    def open_counts_by_asset(self, asset_ids: Sequence[AssetId]) -> dict[AssetId, int]:
        """How many tickets that are not closed each asset has (0 for none), at once."""
        ...

    def update_state(self, ticket: Ticket) -> bool:
        """Store the ticket's status, its moments, priority and assignee, if the stored
        ``version`` is still the ticket's; the stored version then moves on by one (and so
        does ``ticket.version``). False: someone changed it since it was read, nothing written.
        """
        ...

    def resolved_quiet(self, since: datetime, *, unreminded: bool,
                       after: QuietTicket | None, limit: int) -> list[QuietTicket]:
        """Resolved tickets without public activity after ``since``, by (modified_at, id),
        after the cursor ``after``; ``unreminded``: only those not reminded of closing since
        their last public activity. What the auto-close job walks, batch by batch."""
        ...

    def sla_alerts_due(self, now: datetime, limit: int) -> list[TicketId]:
        """Tickets whose ``sla_alert_at`` has come, earliest first: what the SLA job reads."""
        ...

    def sla_records(self, created_from: datetime, created_to: datetime,
                    after: SlaRecord | None, limit: int) -> list[SlaRecord]:
        """Tickets with clocks created in [from, to), by (created_at, id), after ``after``."""
        ...


@frozen
class SlaRecord:
    """What the SLA report reads of a ticket."""

    id: TicketId
    company_id: CompanyId
    created_at: datetime
    sla: TicketSla


class SupportLevelRepository(Protocol):
    """The support levels administrators edited (the defaults apply to names not here)."""

    def get(self, name: str) -> LevelSpec | None: ...
    def list_all(self) -> list[LevelSpec]:
        """By name."""
        ...

    def put(self, spec: LevelSpec) -> None:
        """Insert or replace the level of that name."""
        ...


@frozen
class QuietTicket:
    """A resolved ticket the auto-close job looks at, and its place in the walk."""

    id: TicketId
    modified_at: datetime


class ArticleRepository(Protocol):
    """The articles of tickets. Internal notes are left out by the queries themselves when
    ``include_internal`` is False: they are never read for someone who may not see them."""

    def add(self, article: Article) -> None:
        """Insert; an idempotency key the author already used is a ``ConcurrencyConflict``."""
        ...

    def get(self, article_id: ArticleId) -> Article | None: ...
    def get_by_idempotency_key(self, author_id: AccountId, key: str) -> Article | None: ...
    def page_for(self, ticket_id: TicketId, *, include_internal: bool,
                 after: ArticleCursor | None, limit: int) -> ArticlePage:
        """The ticket's articles after the cursor, oldest first by (created_at, id)."""
        ...

    def count_for(self, ticket_id: TicketId, *, include_internal: bool) -> int:
        """How many articles the same filter lets through."""
        ...


class AttachmentRepository(Protocol):
    def add(self, attachment: Attachment) -> None: ...
    def get(self, attachment_id: AttachmentId) -> Attachment | None: ...
    def list_for(self, owner_ids: Sequence[str]) -> list[Attachment]:
        """The attachments of these owners (articles), by creation time then id."""
        ...

    def link(self, attachment_ids: Sequence[AttachmentId], owner_id: str,
             uploaded_by: AccountId) -> int:
        """Give the owner every listed attachment that ``uploaded_by`` uploaded and nobody
        owns yet (a conditional update); return how many it took."""
        ...

    def unlinked_before(self, before: datetime, limit: int) -> list[Attachment]:
        """Attachments nobody owns that were uploaded before ``before``, oldest first."""
        ...

    def delete_unlinked(self, attachment_ids: Sequence[AttachmentId],
                        uploaded_by: AccountId | None = None) -> int:
        """Delete those of the listed attachments that nobody owns (and, when given, that
        ``uploaded_by`` uploaded); a linked one is never deleted. Return how many."""
        ...

    def delete_owned(self, attachment_id: AttachmentId, owner_id: str) -> bool:
        """Delete the attachment if ``owner_id`` owns it (a file removed from a
        ``Baza Wiedzy`` article); False otherwise. Its blob is left to the sweep."""
        ...

    def referenced(self, digests: Sequence[str]) -> set[str]:
        """Those of ``digests`` that some attachment still stores its bytes under."""
        ...


class TokenRepository(Protocol):
    def add(self, token: Token) -> None: ...
    def get(self, purpose: TokenPurpose, token_hash: str) -> Token | None: ...
    def consume(self, token_hash: str, at: datetime) -> bool:
        """Mark used only if still unused; False when someone else used it first."""
        ...

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        """Delete at most ``limit`` tokens that expired before ``cutoff``; how many went."""
        ...


@frozen
class SessionHolder:
    """A session read together with its account and the contracts active on the account."""

    session: Session
    account: Account
    active_contracts: tuple[Contract, ...]  # as ``ContractRepository.active_for_account``


class SessionRepository(Protocol):
    def add(self, session: Session) -> None: ...
    def get(self, session_hash: str) -> Session | None: ...
    def get_with_holder(self, session_hash: str, on: date) -> SessionHolder | None:
        """The session, its account and the contracts active on that account on ``on``,
        read at once: what every signed-in request looks up. None for an unknown session
        or one whose account is gone. Equal to ``get`` + ``accounts.get`` +
        ``contracts.active_for_account`` (the conformance suite checks it), in one
        round trip where the store allows it."""
        ...

    def update(self, session: Session) -> None: ...
    def touch(self, session_hash: str, at: datetime) -> None:
        """Record activity (cheap; called on every signed-in request)."""
        ...

    def revoke(self, session_hash: str, at: datetime) -> bool:
        """Revoke if not yet revoked; False when it already was (so only one caller wins)."""
        ...

    def revoke_all(self, account_id: AccountId, at: datetime,
                   except_hash: str | None = None) -> int: ...

    def record_code_failure(self, session_hash: str) -> int:
        """Atomically add one wrong code; return the new failure count."""
        ...

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        """Delete at most ``limit`` sessions last seen before ``cutoff`` (long dead: the
        idle timeout is minutes); return how many went."""
        ...


class AttemptLog(Protocol):
    """Rate-limit counters, shared by every server process through the database."""

    def add(self, key: str, at: datetime) -> None: ...
    def count_since(self, key: str, since: datetime) -> int: ...
    def oldest_since(self, key: str, since: datetime) -> datetime | None: ...
    def newest_since(self, key: str, since: datetime) -> datetime | None:
        """The latest attempt after ``since`` (a slow-down counts from it), or None."""
        ...

    def clear(self, key: str) -> None: ...
    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        """Delete at most ``limit`` attempts made before ``cutoff`` and then claims that
        lapsed before it (their keys name an address); return how many went."""
        ...

    def claim(self, key: str, at: datetime, until: datetime) -> bool:
        """Hold ``key`` until ``until`` unless it is held at ``at``; True if this call took it.

        Of concurrent claims on one free key exactly one wins, so an action allowed once per
        window (a notice mail) stays once even in a burst, which counting first would not.
        """
        ...


class AuditLog(Protocol):
    def record(self, event: AuditEvent) -> None: ...
    def recent(self, account_id: AccountId | None = None, limit: int = 100) -> list[AuditEvent]:
        """Most recent first."""
        ...

    def for_ticket(self, ticket_id: TicketId, limit: int = 500) -> list[AuditEvent]:
        """A ticket's history, oldest first (at most ``limit`` events, the oldest ones)."""
        ...

    def ticket_events(self, ticket_id: TicketId, limit: int, after: int | None = None,
                      *, newest: bool = False) -> list[LoggedEvent]:
        """A ticket's events, oldest first: the first ``limit`` after position ``after``
        (all of them when None) or, with ``newest``, the last ``limit`` ones."""
        ...

    def last_before(self, ticket_id: TicketId, kind: AuditKind, seq: int
                    ) -> AuditEvent | None:
        """The ticket's latest event of ``kind`` before position ``seq``, or None."""
        ...

    def for_contract(self, contract_id: ContractId, limit: int = 500) -> list[AuditEvent]:
        """A contract's history, oldest first (at most ``limit`` events, the oldest ones)."""
        ...

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        """Delete at most ``limit`` events recorded before ``cutoff``; return how many went."""
        ...


class Outbox(Protocol):
    def add(self, mail: OutgoingMail, at: datetime) -> str:
        """Queue a mail in the current transaction; return its outbox id."""
        ...

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        """Delete at most ``limit`` mails sent before ``cutoff`` (pending and failed ones
        stay); return how many went."""
        ...


@frozen
class Seen:
    """An account that had a ticket's page open, and when it last said so."""

    account_id: AccountId
    last_seen: datetime


class PresenceRepository(Protocol):
    """Who has a ticket open (``Teraz przegląda``): one row per ticket and account."""

    def touch(self, ticket_id: TicketId, account_id: AccountId, at: datetime) -> None:
        """Record that the account has the ticket open at ``at`` (an upsert; a mark never
        moves back in time)."""
        ...

    def seen_since(self, ticket_id: TicketId, since: datetime) -> list[Seen]:
        """Accounts seen on the ticket at or after ``since``, most recent first."""
        ...

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        """Forget at most ``limit`` marks older than ``cutoff``; return how many went."""
        ...


class ReplyTemplateRepository(Protocol):
    """``Szablony odpowiedzi``, shared by all staff."""

    def add(self, template: ReplyTemplate) -> None: ...
    def get(self, template_id: str) -> ReplyTemplate | None: ...
    def update(self, template: ReplyTemplate) -> bool:
        """Store the title, body and ``updated_at``; False when it no longer exists."""
        ...

    def delete(self, template_id: str) -> bool:
        """False when it no longer existed."""
        ...

    def list_all(self) -> list[ReplyTemplate]:
        """Every template, by title (then id)."""
        ...
