"""Tokens, sessions, rate-limit attempts and the audit log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from clico_core.audit import AuditEvent, AuditKind, LoggedEvent
from clico_core.errors import ConcurrencyConflict
from clico_core.ports import SessionHolder
from clico_core.sessions import Session
from clico_core.tokens import Token, TokenPurpose

from ..mapping import (
    audit_from,
    audit_values,
    session_from,
    session_values,
    token_from,
    token_values,
)
from ..tables import attempt_claims, attempts, audit_log, sessions, tokens
from .base import SqlRepository
from .session_holder import session_holder


class SqlTokens(SqlRepository):
    def add(self, token: Token) -> None:
        self.uow.insert_guarded(tokens, token_values(token),
                                lambda _: ConcurrencyConflict("token exists"))

    def get(self, purpose: TokenPurpose, token_hash: str) -> Token | None:
        row = self.uow.execute(select(tokens).where(
            tokens.c.token_hash == token_hash, tokens.c.purpose == purpose.value)
        ).mappings().first()
        return token_from(row) if row else None

    def consume(self, token_hash: str, at: datetime) -> bool:
        """A conditional UPDATE: of concurrent redemptions exactly one sees a row change."""
        result = self.uow.execute(update(tokens).where(
            tokens.c.token_hash == token_hash, tokens.c.used_at.is_(None)).values(used_at=at))
        return result.rowcount == 1

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        return self.delete_batch(tokens, tokens.c.expires_at < cutoff, limit)


class SqlSessions(SqlRepository):
    def add(self, session: Session) -> None:
        self.uow.insert_guarded(sessions, session_values(session),
                                lambda _: ConcurrencyConflict("session exists"))

    def get(self, session_hash: str) -> Session | None:
        query = self.for_change(select(sessions).where(sessions.c.session_hash == session_hash))
        row = self.uow.execute(query).mappings().first()
        return session_from(row) if row else None

    def get_with_holder(self, session_hash: str, on: date) -> SessionHolder | None:
        return session_holder(self.uow, session_hash, on)

    def update(self, session: Session) -> None:
        """Every field; a session not stored yet is inserted (as the in-memory adapter does)."""
        values = session_values(session)
        del values["session_hash"]
        result = self.uow.execute(update(sessions).where(
            sessions.c.session_hash == session.session_hash).values(values))
        if result.rowcount == 0:
            self.add(session)

    def touch(self, session_hash: str, at: datetime) -> None:
        self.uow.execute(update(sessions).where(
            sessions.c.session_hash == session_hash, sessions.c.last_seen_at < at
        ).values(last_seen_at=at))

    def revoke(self, session_hash: str, at: datetime) -> bool:
        result = self.uow.execute(update(sessions).where(
            sessions.c.session_hash == session_hash, sessions.c.revoked_at.is_(None)
        ).values(revoked_at=at))
        return result.rowcount == 1

    def revoke_all(self, account_id: str, at: datetime, except_hash: str | None = None) -> int:
        statement = update(sessions).where(sessions.c.account_id == account_id,
                                           sessions.c.revoked_at.is_(None))
        if except_hash is not None:
            statement = statement.where(sessions.c.session_hash != except_hash)
        return int(self.uow.execute(statement.values(revoked_at=at)).rowcount)

    def record_code_failure(self, session_hash: str) -> int:
        """One atomic UPDATE … RETURNING: concurrent wrong codes are all counted."""
        count = self.uow.execute(
            update(sessions).where(sessions.c.session_hash == session_hash)
            .values(code_failures=sessions.c.code_failures + 1)
            .returning(sessions.c.code_failures)).scalar_one_or_none()
        if count is None:
            raise KeyError(session_hash)
        return int(count)

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        return self.delete_batch(sessions, sessions.c.last_seen_at < cutoff, limit)


class SqlAttempts(SqlRepository):
    def add(self, key: str, at: datetime) -> None:
        self.uow.execute(insert(attempts), {"key": key, "at": at})

    def count_since(self, key: str, since: datetime) -> int:
        return int(self.uow.execute(select(func.count()).select_from(attempts).where(
            attempts.c.key == key, attempts.c.at > since)).scalar_one())

    def oldest_since(self, key: str, since: datetime) -> datetime | None:
        # ORDER BY … LIMIT 1 rather than MIN(): the result keeps the column's type (UTC)
        return self.uow.execute(select(attempts.c.at).where(
            attempts.c.key == key, attempts.c.at > since
        ).order_by(attempts.c.at).limit(1)).scalar_one_or_none()

    def newest_since(self, key: str, since: datetime) -> datetime | None:
        return self.uow.execute(select(attempts.c.at).where(
            attempts.c.key == key, attempts.c.at > since
        ).order_by(attempts.c.at.desc()).limit(1)).scalar_one_or_none()

    def clear(self, key: str) -> None:
        self.uow.execute(delete(attempts).where(attempts.c.key == key))

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        count = self.delete_batch(attempts, attempts.c.at < cutoff, limit)
        if count < limit:
            count += self.delete_batch(attempt_claims, attempt_claims.c.until < cutoff,
                                       limit - count)
        return count

    def claim(self, key: str, at: datetime, until: datetime) -> bool:
        """One upsert: insert the key, or move a lapsed hold forward; RETURNING says who won.

        On PostgreSQL a concurrent claim waits for the first to commit and then sees its
        hold (ON CONFLICT re-checks the WHERE on the newest row); SQLite serialises writers.
        """
        dialect = postgresql if self.uow.dialect == "postgresql" else sqlite
        statement = dialect.insert(attempt_claims).values(key=key, until=until)
        statement = statement.on_conflict_do_update(
            index_elements=[attempt_claims.c.key], set_={"until": statement.excluded.until},
            where=attempt_claims.c.until <= at,
        ).returning(attempt_claims.c.key)
        return self.uow.execute(statement).first() is not None


class SqlAudit(SqlRepository):
    def record(self, event: AuditEvent) -> None:
        self.uow.execute(insert(audit_log), audit_values(event))

    def recent(self, account_id: str | None = None, limit: int = 100) -> list[AuditEvent]:
        query = select(audit_log).order_by(audit_log.c.seq.desc()).limit(limit)
        if account_id is not None:
            query = query.where(audit_log.c.account_id == account_id)
        return [audit_from(r) for r in self.uow.execute(query).mappings()]

    def for_ticket(self, ticket_id: str, limit: int = 500) -> list[AuditEvent]:
        query = select(audit_log).where(audit_log.c.ticket_id == ticket_id).order_by(
            audit_log.c.seq).limit(limit)
        return [audit_from(r) for r in self.uow.execute(query).mappings()]

    def ticket_events(self, ticket_id: str, limit: int, after: int | None = None,
                      *, newest: bool = False) -> list[LoggedEvent]:
        """One range of the (ticket_id, seq) index, read forwards or (``newest``) backwards."""
        query = select(audit_log).where(audit_log.c.ticket_id == ticket_id)
        if after is not None:
            query = query.where(audit_log.c.seq > after)
        order = audit_log.c.seq.desc() if newest else audit_log.c.seq
        rows = [LoggedEvent(r["seq"], audit_from(r))
                for r in self.uow.execute(query.order_by(order).limit(limit)).mappings()]
        return rows[::-1] if newest else rows

    def last_before(self, ticket_id: str, kind: AuditKind, seq: int) -> AuditEvent | None:
        query = select(audit_log).where(
            audit_log.c.ticket_id == ticket_id, audit_log.c.seq < seq,
            audit_log.c.kind == kind.value).order_by(audit_log.c.seq.desc()).limit(1)
        row = self.uow.execute(query).mappings().first()
        return audit_from(row) if row is not None else None

    def for_contract(self, contract_id: str, limit: int = 500) -> list[AuditEvent]:
        query = select(audit_log).where(audit_log.c.contract_id == contract_id).order_by(
            audit_log.c.seq).limit(limit)
        return [audit_from(r) for r in self.uow.execute(query).mappings()]

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        return self.delete_batch(audit_log, audit_log.c.at < cutoff, limit)
