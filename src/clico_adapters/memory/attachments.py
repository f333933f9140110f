"""The in-memory attachments repository."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from attrs import evolve

from clico_core.attachments import Attachment
from clico_core.errors import ConcurrencyConflict

from .store import MemoryStore, UndoLog, fresh


class MemoryAttachments:
    def __init__(self, store: MemoryStore, undo: UndoLog) -> None:
        self.store = store
        self.undo = undo

    def add(self, attachment: Attachment) -> None:
        if attachment.id in self.store.attachments:
            raise ConcurrencyConflict("attachment exists")
        self.undo.put(self.store.attachments, attachment.id, attachment)

    def get(self, attachment_id: str) -> Attachment | None:
        return fresh(self.store.attachments.get(attachment_id))

    def list_for(self, owner_ids: Sequence[str]) -> list[Attachment]:
        owners = set(owner_ids)
        rows = [a for a in self.store.attachments.values() if a.owner_id in owners]
        return fresh(sorted(rows, key=lambda a: (a.created_at, a.id)))

    def link(self, attachment_ids: Sequence[str], owner_id: str, uploaded_by: str) -> int:
        linked = 0
        for attachment_id in dict.fromkeys(attachment_ids):
            found = self.store.attachments.get(attachment_id)
            if found is not None and found.owner_id is None \
                    and found.uploaded_by == uploaded_by:
                self.undo.put(self.store.attachments, attachment_id,
                              evolve(found, owner_id=owner_id))
                linked += 1
        return linked

    def unlinked_before(self, before: datetime, limit: int) -> list[Attachment]:
        rows = [a for a in self.store.attachments.values()
                if a.owner_id is None and a.created_at < before]
        return fresh(sorted(rows, key=lambda a: (a.created_at, a.id))[:limit])

    def delete_unlinked(self, attachment_ids: Sequence[str],
                        uploaded_by: str | None = None) -> int:
        deleted = 0
        for attachment_id in dict.fromkeys(attachment_ids):
            found = self.store.attachments.get(attachment_id)
            if found is None or found.owner_id is not None or \
                    (uploaded_by is not None and found.uploaded_by != uploaded_by):
                continue
            self.undo.delete(self.store.attachments, attachment_id)
            deleted += 1
        return deleted

    def delete_owned(self, attachment_id: str, owner_id: str) -> bool:
        found = self.store.attachments.get(attachment_id)
        if found is None or found.owner_id is None or found.owner_id != owner_id:
            return False
        self.undo.delete(self.store.attachments, attachment_id)
        return True

    def referenced(self, digests: Sequence[str]) -> set[str]:
        wanted = set(digests)
        return {a.digest for a in self.store.attachments.values() if a.digest in wanted}
