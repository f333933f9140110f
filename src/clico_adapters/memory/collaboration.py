"""In memory: who has a ticket open (presence) and the staff's reply templates."""

from __future__ import annotations

from datetime import datetime

from clico_core.errors import ConcurrencyConflict
from clico_core.ports import Seen
from clico_core.reply_templates import ReplyTemplate

from .store import MemoryStore, UndoLog, fresh


class MemoryPresence:
    def __init__(self, store: MemoryStore, undo: UndoLog) -> None:
        self.store = store
        self.undo = undo

    def touch(self, ticket_id: str, account_id: str, at: datetime) -> None:
        key = (ticket_id, account_id)
        held = self.store.presence.get(key)
        if held is None or held < at:
            self.undo.put(self.store.presence, key, at)

    def seen_since(self, ticket_id: str, since: datetime) -> list[Seen]:
        rows = [Seen(account, at) for (ticket, account), at in self.store.presence.items()
                if ticket == ticket_id and at >= since]
        return sorted(rows, key=lambda s: (-s.last_seen.timestamp(), s.account_id))

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        doomed = sorted(k for k, at in self.store.presence.items() if at < cutoff)[:limit]
        for key in doomed:
            self.undo.delete(self.store.presence, key)
        return len(doomed)


class MemoryReplyTemplates:
    def __init__(self, store: MemoryStore, undo: UndoLog) -> None:
        self.store = store
        self.undo = undo

    def add(self, template: ReplyTemplate) -> None:
        if template.id in self.store.reply_templates:
            raise ConcurrencyConflict("reply template exists")
        self.undo.put(self.store.reply_templates, template.id, template)

    def get(self, template_id: str) -> ReplyTemplate | None:
        return fresh(self.store.reply_templates.get(template_id))

    def update(self, template: ReplyTemplate) -> bool:
        if template.id not in self.store.reply_templates:
            return False
        self.undo.put(self.store.reply_templates, template.id, template)
        return True

    def delete(self, template_id: str) -> bool:
        if template_id not in self.store.reply_templates:
            return False
        self.undo.delete(self.store.reply_templates, template_id)
        return True

    def list_all(self) -> list[ReplyTemplate]:
        rows = sorted(self.store.reply_templates.values(), key=lambda t: (t.title, t.id))
        return fresh(rows)
