"""In-memory repositories: product code for embedders, unit tests and property-based suites."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TypeVar

from attrs import evolve

from clico_core.accounts import Account, AccountState
from clico_core.errors import ConcurrencyConflict, ValidationFailed
from clico_core.mail import DeliveryState, OutboxMessage, OutgoingMail
from clico_core.ports import QuietTicket, SessionHolder, SlaRecord
from clico_core.sessions import Session
from clico_core.tickets import (
    COUNT_CAP,
    Cursor,
    SortColumn,
    Ticket,
    TicketLink,
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
from clico_core.values import Role, email_key, login_key

from ..request_context import current_request_id
from .contracts import MemoryContracts
from .store import MemoryStore, UndoLog, fresh

# what ``TicketRepository.update_state`` writes (the rest of a ticket never changes)
STATE_FIELDS = ("status", "modified_at", "priority", "assignee_id", "resolved_at",
                "closed_at", "close_reminded_at", "version", "sla", "first_response_due",
                "resolution_due", "sla_paused", "sla_alert_at", "sla_warning_at")


class _Repo:
    def __init__(self, store: MemoryStore, undo: UndoLog) -> None:
        self.store = store
        self.undo = undo


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

    def get_many(self, account_ids: Sequence[str]) -> list[Account]:
        return fresh([self.store.accounts[i] for i in dict.fromkeys(account_ids)
                      if i in self.store.accounts])

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


    def list_staff(self) -> list[Account]:
        rows = [a for a in self.store.accounts.values() if a.is_staff]
        return fresh(sorted(rows, key=lambda a: (a.last_name, a.first_name, a.id)))


    def company_watchers(self, company_id: str, on: date) -> list[Account]:
        valid = {c.id for c in self.store.contracts.values()
                 if c.company_id == company_id and c.is_valid_on(on)}
        holders = {a.account_id for a in self.store.activations.values()
                   if a.contract_id in valid}
        rows = [a for a in self.store.accounts.values() if a.id in holders
                and a.notify_company_tickets and a.role is Role.CUSTOMER
                and a.state is AccountState.ACTIVE]
        return fresh(sorted(rows, key=lambda a: a.id))


class MemoryTickets(_Repo):
    def open_counts_by_asset(self, asset_ids: Sequence[str]) -> dict[str, int]:
        counts = dict.fromkeys(asset_ids, 0)
        for ticket in self.store.tickets.values():
            if ticket.status is not TicketStatus.CLOSED:
                for asset_id in set(ticket.asset_ids):
                    if asset_id in counts:
                        counts[asset_id] += 1
        return counts

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

    def follow_ups_of(self, ticket_id: str) -> list[TicketLink]:
        found = sorted((t for t in self.store.tickets.values() if t.follows_id == ticket_id),
                       key=lambda t: (t.created_at, t.id))
        return [TicketLink(t.id, t.number, t.company_id, t.reporter_id) for t in found]

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

    def sla_alerts_due(self, now: datetime, limit: int) -> list[str]:
        found = sorted((t.sla_alert_at, t.id) for t in self.store.tickets.values()
                       if t.sla_alert_at is not None and t.sla_alert_at <= now)
        return [ticket_id for _, ticket_id in found[:limit]]

    def sla_records(self, created_from: datetime, created_to: datetime,
                    after: SlaRecord | None, limit: int) -> list[SlaRecord]:
        start = (after.created_at, after.id) if after else None
        records: list[SlaRecord] = []
        for t in sorted(self.store.tickets.values(), key=lambda t: (t.created_at, t.id)):
            if t.sla is None or not created_from <= t.created_at < created_to:
                continue
            if start is not None and (t.created_at, t.id) <= start:
                continue
            records.append(SlaRecord(t.id, t.company_id, t.created_at, t.sla))
            if len(records) == limit:
                break
        return records

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
            if not self._queue_matches(t, query):
                continue
            company = self.store.companies.get(t.company_id)
            assignee = (self.store.accounts.get(t.assignee_id)
                        if scope.everything and t.assignee_id else None)
            rows.append(TicketRow(t.id, t.number, t.subject, t.modified_at, t.created_at,
                                  company.name if company else "", t.status, t.priority, t.kind,
                                  assignee.full_name if assignee else "",
                                  t.sla_due, t.sla_warning_at))
        return rows

    def _queue_matches(self, t: Ticket, query: TicketQuery) -> bool:
        """The staff queue's filters: engineer, unassigned, vendor, created before."""
        if query.assignee_id is not None and t.assignee_id != query.assignee_id:
            return False
        if query.unassigned and t.assignee_id is not None:
            return False
        if query.created_before is not None and t.created_at >= query.created_before:
            return False
        if query.vendor is not None:
            vendors = {a.vendor.lower() for i in t.asset_ids
                       if (a := self.store.assets.get(i)) is not None}
            return query.vendor in vendors
        return True

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


class MemoryOutbox(_Repo):
    def __init__(self, store: MemoryStore, undo: UndoLog, new_id: Callable[[], str]) -> None:
        super().__init__(store, undo)
        self.new_id = new_id

    def add(self, mail: OutgoingMail, at: datetime) -> str:
        message_id = self.new_id()
        self.undo.put(self.store.outbox, message_id,
                      OutboxMessage(message_id, mail, at, next_attempt_at=at,
                                    request_id=current_request_id()))
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
