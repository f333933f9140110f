"""In memory: the audit log (every account's, contract's and ticket's history), numbered
as the SQL table's ``seq`` numbers it."""

from __future__ import annotations

from datetime import datetime

from clico_core.audit import AuditEvent, AuditKind, LoggedEvent

from .store import MemoryStore, UndoLog


class MemoryAudit:
    def __init__(self, store: MemoryStore, undo: UndoLog) -> None:
        self.store = store
        self.undo = undo

    def for_contract(self, contract_id: str, limit: int = 500) -> list[AuditEvent]:
        return [e for e in self.store.audit if e.contract_id == contract_id][:limit]

    def record(self, event: AuditEvent) -> None:
        seq = self.store.audit_sequence[0] + 1
        self.undo.replace(self.store.audit_sequence, [seq])
        self.undo.append(self.store.audit, event)
        self.undo.append(self.store.audit_seqs, seq)

    def recent(self, account_id: str | None = None, limit: int = 100) -> list[AuditEvent]:
        rows = [e for e in self.store.audit if account_id is None or e.account_id == account_id]
        return list(reversed(rows))[:limit]

    def for_ticket(self, ticket_id: str, limit: int = 500) -> list[AuditEvent]:
        return [e for e in self.store.audit if e.ticket_id == ticket_id][:limit]

    def _logged(self, ticket_id: str) -> list[LoggedEvent]:
        return [LoggedEvent(seq, e) for seq, e in zip(self.store.audit_seqs, self.store.audit,
                                                      strict=True) if e.ticket_id == ticket_id]

    def ticket_events(self, ticket_id: str, limit: int, after: int | None = None,
                      *, newest: bool = False) -> list[LoggedEvent]:
        rows = [r for r in self._logged(ticket_id) if after is None or r.seq > after]
        return rows[-limit:] if newest and limit > 0 else rows[:limit]

    def last_before(self, ticket_id: str, kind: AuditKind, seq: int) -> AuditEvent | None:
        earlier = [r.event for r in self._logged(ticket_id)
                   if r.seq < seq and r.event.kind is kind]
        return earlier[-1] if earlier else None

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        doomed = {id(e) for e in [e for e in self.store.audit if e.at < cutoff][:limit]}
        kept = [(s, e) for s, e in zip(self.store.audit_seqs, self.store.audit, strict=True)
                if id(e) not in doomed]
        self.undo.replace(self.store.audit, [e for _, e in kept])
        self.undo.replace(self.store.audit_seqs, [s for s, _ in kept])
        return len(doomed)
