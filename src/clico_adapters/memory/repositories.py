"""In-memory repositories: product code for embedders, unit tests and property-based suites."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TypeVar

from attrs import evolve

from clico_core.accounts import Account
from clico_core.assets import Asset
from clico_core.audit import AuditEvent
from clico_core.companies import Company
from clico_core.contracts import Activation, Contract
from clico_core.errors import ConcurrencyConflict, DuplicateContractNumber, ValidationFailed
from clico_core.mail import DeliveryState, OutboxMessage, OutgoingMail
from clico_core.ports import AssetPage, QuietTicket, SessionHolder
from clico_core.sessions import Session
from clico_core.tickets import (
    COUNT_CAP,
    Cursor,
    SortColumn,
    Ticket,
    TicketPage,
    TicketQuery,
    TicketRow,
    TicketScope,
    TicketStatus,
    cursor_sort_value,
    row_sort_value,
    sort_key_of,
)
from clico_core.tokens import Token, TokenPurpose
from clico_core.values import company_key, email_key, login_key

from .store import MemoryStore, UndoLog, fresh

# what ``TicketRepository.update_state`` writes (the rest of a ticket never changes)
STATE_FIELDS = ("status", "modified_at", "priority", "assignee_id", "resolved_at",
                "closed_at", "close_reminded_at", "version")


class _Repo:
    def __init__(self, store: MemoryStore, undo: UndoLog) -> None:
        self.store = store
        self.undo = undo


class MemoryCompanies(_Repo):
    def add(self, company: Company) -> None:
        self.undo.put(self.store.companies, company.id, company)

    def get(self, company_id: str) -> Company | None:
        return fresh(self.store.companies.get(company_id))

    def get_by_name(self, name: str) -> Company | None:
        key = company_key(name)
        return fresh(next((c for c in self.store.companies.values() if c.key == key), None))

    def list_by_ids(self, company_ids: Sequence[str] | None = None) -> list[Company]:
        rows = [c for c in self.store.companies.values()
                if company_ids is None or c.id in company_ids]
        return fresh(sorted(rows, key=lambda c: (c.key, c.id)))


class MemoryAccounts(_Repo):
    def add(self, account: Account) -> None:
        for other in self.store.accounts.values():
            if login_key(other.login) == login_key(account.login):
                raise ValidationFailed({"login": "login_taken"})
            if email_key(other.email) == email_key(account.email):
                raise ValidationFailed({"email": "email_taken"})
        self.undo.put(self.store.accounts, account.id, account)

    def get(self, account_id: str) -> Account | None:
        return fresh(self.store.accounts.get(account_id))

    def get_by_login(self, login: str) -> Account | None:
        key = login_key(login.strip())
        return fresh(next((a for a in self.store.accounts.values()
                           if login_key(a.login) == key), None))

    def get_by_email(self, email: str) -> Account | None:
        key = email_key(email.strip())
        return fresh(next((a for a in self.store.accounts.values()
                           if email_key(a.email) == key), None))

    def update(self, account: Account) -> None:
        if account.id not in self.store.accounts:
            raise KeyError(account.id)
        self.undo.put(self.store.accounts, account.id, account)

    def advance_totp_step(self, account_id: str, step: int) -> bool:
        account = self.store.accounts.get(account_id)
        if account is None or (account.totp_last_step is not None
                               and account.totp_last_step >= step):
            return False
        self.undo.put(self.store.accounts, account_id, evolve(account, totp_last_step=step))
        return True

    def list_for_companies(self, company_ids: Sequence[str] | None = None) -> list[Account]:
        rows = [a for a in self.store.accounts.values()
                if company_ids is None or a.company_id in company_ids]
        return fresh(sorted(rows, key=lambda a: (a.last_name, a.first_name, a.id)))

    def replace_recovery_codes(self, account_id: str, code_hashes: Sequence[str],
                               at: datetime) -> None:
        self.undo.put(self.store.recovery_codes, account_id, frozenset(code_hashes))

    def use_recovery_code(self, account_id: str, code_hash: str) -> bool:
        codes = self.store.recovery_codes.get(account_id, frozenset())
        if code_hash not in codes:
            return False
        self.undo.put(self.store.recovery_codes, account_id, codes - {code_hash})
        return True

    def recovery_codes_left(self, account_id: str) -> int:
        return len(self.store.recovery_codes.get(account_id, frozenset()))


class MemoryContracts(_Repo):
    def add(self, contract: Contract) -> None:
        if any(c.number == contract.number for c in self.store.contracts.values()):
            raise DuplicateContractNumber(contract.number)
        self.undo.put(self.store.contracts, contract.id, contract)

    def get(self, contract_id: str) -> Contract | None:
        return fresh(self.store.contracts.get(contract_id))

    def get_by_number(self, number: str) -> Contract | None:
        number = number.strip()
        return fresh(next((c for c in self.store.contracts.values() if c.number == number), None))

    def list_for_company(self, company_id: str | None = None) -> list[Contract]:
        rows = [c for c in self.store.contracts.values()
                if company_id is None or c.company_id == company_id]
        return fresh(sorted(rows, key=lambda c: c.number))

    def activate(self, activation: Activation) -> bool:
        key = (activation.contract_id, activation.account_id)
        if key in self.store.activations:
            return False
        self.undo.put(self.store.activations, key, activation)
        return True

    def activations_for_account(self, account_id: str) -> list[Activation]:
        return sorted((a for a in self.store.activations.values() if a.account_id == account_id),
                      key=lambda a: (a.activated_at, a.contract_id))

    def activations_of(self, contract_id: str) -> list[Activation]:
        return sorted((a for a in self.store.activations.values()
                       if a.contract_id == contract_id),
                      key=lambda a: (a.activated_at, a.account_id))

    def active_for_account(self, account_id: str, on: date) -> list[Contract]:
        ids = [a.contract_id for a in self.activations_for_account(account_id)]
        contracts = [self.store.contracts[i] for i in ids if i in self.store.contracts]
        return fresh(sorted((c for c in contracts if c.is_valid_on(on)), key=lambda c: c.number))


class MemoryAssets(_Repo):
    def add(self, asset: Asset) -> None:
        self.undo.put(self.store.assets, asset.id, asset)

    def get(self, asset_id: str) -> Asset | None:
        return fresh(self.store.assets.get(asset_id))

    def get_many(self, asset_ids: Sequence[str]) -> list[Asset]:
        return fresh([self.store.assets[i] for i in asset_ids if i in self.store.assets])

    def page_covered(self, contract_ids: Sequence[str], category: str | None, page: int,
                     page_size: int) -> AssetPage:
        covered: set[str] = set()
        for contract_id in contract_ids:
            contract = self.store.contracts.get(contract_id)
            if contract is not None:
                covered.update(contract.asset_ids)
        assets = sorted((self.store.assets[i] for i in covered if i in self.store.assets),
                        key=lambda a: (a.name, a.id))
        counts: dict[str, int] = {}
        for asset in assets:
            counts[asset.category] = counts.get(asset.category, 0) + 1
        chosen = [a for a in assets if category is None or a.category == category]
        start = (page - 1) * page_size
        return AssetPage(tuple(fresh(chosen[start:start + page_size])), len(chosen),
                         tuple(sorted(counts.items())))


class MemoryTickets(_Repo):
    def next_number(self) -> int:
        sequence = self.store.ticket_sequence
        sequence[0] += 1  # like a database sequence: never rolled back, never reused
        return sequence[0]

    def add(self, ticket: Ticket) -> None:
        for other in self.store.tickets.values():
            if other.number == ticket.number:
                raise ConcurrencyConflict("ticket number taken")
            if (ticket.idempotency_key and other.reporter_id == ticket.reporter_id
                    and other.idempotency_key == ticket.idempotency_key):
                raise ConcurrencyConflict("idempotency key used")
        self.undo.put(self.store.tickets, ticket.id, ticket)

    def get(self, ticket_id: str) -> Ticket | None:
        return fresh(self.store.tickets.get(ticket_id))

    def get_by_number(self, number: str) -> Ticket | None:
        return fresh(next((t for t in self.store.tickets.values() if t.number == number), None))

    def get_by_idempotency_key(self, reporter_id: str, key: str) -> Ticket | None:
        return fresh(next((t for t in self.store.tickets.values()
                           if t.reporter_id == reporter_id and t.idempotency_key == key), None))

    def update_state(self, ticket: Ticket) -> bool:
        stored = self.store.tickets.get(ticket.id)
        if stored is None or stored.version != ticket.version:
            return False
        ticket.version += 1
        self.undo.put(self.store.tickets, ticket.id, evolve(
            stored, **{name: getattr(ticket, name) for name in STATE_FIELDS}))
        return True

    def resolved_quiet(self, since: datetime, *, unreminded: bool,
                       after: QuietTicket | None, limit: int) -> list[QuietTicket]:
        found = sorted((t.modified_at, t.id) for t in self.store.tickets.values()
                       if t.status is TicketStatus.RESOLVED and t.modified_at <= since
                       and not (unreminded and t.close_reminded_at is not None
                                and t.close_reminded_at >= t.modified_at))
        start = (after.modified_at, after.id) if after else None
        return [QuietTicket(i, m) for m, i in found if start is None or (m, i) > start][:limit]

    def _rows(self, scope: TicketScope, query: TicketQuery) -> list[TicketRow]:
        statuses = query.wanted_statuses()
        text = query.text.strip().casefold()
        since, before = query.modified_bounds()
        rows = []
        for t in self.store.tickets.values():
            if not scope.allows_ticket(t.company_id, t.reporter_id) or t.status not in statuses:
                continue
            if query.priority is not None and t.priority is not query.priority:
                continue
            if query.company_id is not None and t.company_id != query.company_id:
                continue
            if query.asset_id is not None and query.asset_id not in t.asset_ids:
                continue
            if text and text not in t.number.casefold() and text not in t.subject.casefold():
                continue
            if since is not None and t.modified_at < since:
                continue
            if before is not None and t.modified_at >= before:
                continue
            company = self.store.companies.get(t.company_id)
            rows.append(TicketRow(t.id, t.number, t.subject, t.modified_at, t.created_at,
                                  company.name if company else "", t.status, t.priority, t.kind))
        return rows

    def page_for(self, scope: TicketScope, query: TicketQuery) -> TicketPage:
        column, size, cursor = query.sort, query.page_size, query.cursor

        def key(row: TicketRow) -> tuple[object, str]:
            return (row_sort_value(row, column), row.id)

        rows = sorted(self._rows(scope, query), key=key, reverse=query.descending)
        if cursor is None:
            page, has_previous, has_next = rows[:size], False, len(rows) > size
        else:
            pivot = (cursor_sort_value(column, cursor.value), cursor.id)

            def later(row: TicketRow) -> bool:  # strictly after the pivot in display order
                return key(row) < pivot if query.descending else key(row) > pivot

            if cursor.backwards:
                earlier = [r for r in rows if not later(r) and key(r) != pivot]
                page = earlier[-size:]
                has_previous, has_next = len(earlier) > size, len(earlier) < len(rows)
            else:
                after = [r for r in rows if later(r)]
                page = after[:size]
                has_previous, has_next = len(after) < len(rows), len(after) > size
        next_cursor = _cursor(page[-1], column) if page and has_next else None
        previous_cursor = (evolve(_cursor(page[0], column), backwards=True)
                           if page and has_previous else None)
        return TicketPage(tuple(page), min(len(rows), COUNT_CAP), len(rows) > COUNT_CAP,
                          next_cursor, previous_cursor)


def _cursor(row: TicketRow, column: SortColumn) -> Cursor:
    return Cursor(sort_key_of(row, column), row.id)


class MemoryTokens(_Repo):
    def add(self, token: Token) -> None:
        self.undo.put(self.store.tokens, token.token_hash, token)

    def get(self, purpose: TokenPurpose, token_hash: str) -> Token | None:
        token = self.store.tokens.get(token_hash)
        return fresh(token) if token is not None and token.purpose is purpose else None

    def consume(self, token_hash: str, at: datetime) -> bool:
        token = self.store.tokens.get(token_hash)
        if token is None or token.used_at is not None:
            return False
        self.undo.put(self.store.tokens, token_hash, evolve(token, used_at=at))
        return True

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        return _delete(self.undo, self.store.tokens, lambda t: t.expires_at < cutoff, limit)


class MemorySessions(_Repo):
    def add(self, session: Session) -> None:
        self.undo.put(self.store.sessions, session.session_hash, session)

    def get(self, session_hash: str) -> Session | None:
        return fresh(self.store.sessions.get(session_hash))

    def get_with_holder(self, session_hash: str, on: date) -> SessionHolder | None:
        session = self.store.sessions.get(session_hash)
        account = self.store.accounts.get(session.account_id) if session else None
        if session is None or account is None:
            return None
        contracts = MemoryContracts(self.store, self.undo).active_for_account(account.id, on)
        return SessionHolder(fresh(session), fresh(account), tuple(contracts))

    def update(self, session: Session) -> None:
        self.undo.put(self.store.sessions, session.session_hash, session)

    def touch(self, session_hash: str, at: datetime) -> None:
        session = self.store.sessions.get(session_hash)
        if session is not None and at > session.last_seen_at:
            self.undo.put(self.store.sessions, session_hash, evolve(session, last_seen_at=at))

    def revoke(self, session_hash: str, at: datetime) -> bool:
        session = self.store.sessions.get(session_hash)
        if session is None or session.revoked_at is not None:
            return False
        self.undo.put(self.store.sessions, session_hash, evolve(session, revoked_at=at))
        return True

    def revoke_all(self, account_id: str, at: datetime, except_hash: str | None = None) -> int:
        hashes = [h for h, s in self.store.sessions.items()
                  if s.account_id == account_id and s.revoked_at is None and h != except_hash]
        for digest in hashes:
            self.revoke(digest, at)
        return len(hashes)

    def record_code_failure(self, session_hash: str) -> int:
        session = self.store.sessions[session_hash]
        updated = evolve(session, code_failures=session.code_failures + 1)
        self.undo.put(self.store.sessions, session_hash, updated)
        return int(updated.code_failures)

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        return _delete(self.undo, self.store.sessions, lambda s: s.last_seen_at < cutoff, limit)


class MemoryAttempts(_Repo):
    def add(self, key: str, at: datetime) -> None:
        self.undo.put(self.store.attempts, key, [*self.store.attempts.get(key, []), at])

    def count_since(self, key: str, since: datetime) -> int:
        return sum(1 for at in self.store.attempts.get(key, []) if at > since)

    def oldest_since(self, key: str, since: datetime) -> datetime | None:
        return min((at for at in self.store.attempts.get(key, []) if at > since), default=None)

    def newest_since(self, key: str, since: datetime) -> datetime | None:
        return max((at for at in self.store.attempts.get(key, []) if at > since), default=None)

    def clear(self, key: str) -> None:
        if key in self.store.attempts:
            self.undo.put(self.store.attempts, key, [])

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        doomed = sorted((at, key) for key, ats in self.store.attempts.items()
                        for at in ats if at < cutoff)[:limit]
        for key in {key for _, key in doomed}:  # each key loses its oldest entries
            kept = sorted(self.store.attempts[key])[sum(1 for _, k in doomed if k == key):]
            self.undo.put(self.store.attempts, key, kept)
        lapsed = sorted(key for key, until in self.store.claims.items()
                        if until < cutoff)[:limit - len(doomed)]
        for key in lapsed:
            self.undo.delete(self.store.claims, key)
        return len(doomed) + len(lapsed)

    def claim(self, key: str, at: datetime, until: datetime) -> bool:
        held = self.store.claims.get(key)
        if held is not None and held > at:
            return False
        self.undo.put(self.store.claims, key, until)
        return True


class MemoryAudit(_Repo):
    def record(self, event: AuditEvent) -> None:
        self.undo.append(self.store.audit, event)

    def recent(self, account_id: str | None = None, limit: int = 100) -> list[AuditEvent]:
        rows = [e for e in self.store.audit if account_id is None or e.account_id == account_id]
        return list(reversed(rows))[:limit]

    def for_ticket(self, ticket_id: str, limit: int = 500) -> list[AuditEvent]:
        return [e for e in self.store.audit if e.ticket_id == ticket_id][:limit]

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        doomed = {id(e) for e in [e for e in self.store.audit if e.at < cutoff][:limit]}
        self.undo.replace(self.store.audit, [e for e in self.store.audit if id(e) not in doomed])
        return len(doomed)


class MemoryOutbox(_Repo):
    def __init__(self, store: MemoryStore, undo: UndoLog, new_id: Callable[[], str]) -> None:
        super().__init__(store, undo)
        self.new_id = new_id

    def add(self, mail: OutgoingMail, at: datetime) -> str:
        message_id = self.new_id()
        self.undo.put(self.store.outbox, message_id,
                      OutboxMessage(message_id, mail, at, next_attempt_at=at))
        return message_id

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        def sent_before(message: OutboxMessage) -> bool:
            return (message.state is DeliveryState.SENT and message.sent_at is not None
                    and message.sent_at < cutoff)

        return _delete(self.undo, self.store.outbox, sent_before, limit)


Row = TypeVar("Row")


def _delete(undo: UndoLog, table: dict[str, Row], old: Callable[[Row], bool], limit: int
            ) -> int:
    doomed = [key for key, value in table.items() if old(value)][:limit]
    for key in doomed:
        undo.delete(table, key)
    return len(doomed)
