"""The in-memory unit of work: serialised like SQLite, rolled back through an undo log."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from types import TracebackType
from typing import Self

from .api_tokens import MemoryApiTokens
from .articles import MemoryArticles
from .attachments import MemoryAttachments
from .audit import MemoryAudit
from .collaboration import MemoryPresence, MemoryReplyTemplates
from .contracts import MemoryAssets, MemoryCompanies, MemoryContracts
from .kb import MemoryKb, MemoryKbSearch
from .repositories import (
    MemoryAccounts,
    MemoryAttempts,
    MemoryOutbox,
    MemorySessions,
    MemoryTickets,
    MemoryTokens,
)
from .sla import MemorySupportLevels
from .store import MemoryStore, UndoLog
from .webhooks import MemoryWebhooks


def _uuid() -> str:
    return uuid.uuid4().hex


class MemoryUnitOfWork:
    """``with uow:`` holds the store's lock; leaving without ``commit()`` undoes every change."""

    def __init__(self, store: MemoryStore, new_id: Callable[[], str] = _uuid) -> None:
        self.store = store
        self._undo = UndoLog()
        self.companies = MemoryCompanies(store, self._undo)
        self.accounts = MemoryAccounts(store, self._undo)
        self.contracts = MemoryContracts(store, self._undo)
        self.assets = MemoryAssets(store, self._undo)
        self.tickets = MemoryTickets(store, self._undo)
        self.articles = MemoryArticles(store, self._undo)
        self.tokens = MemoryTokens(store, self._undo)
        self.sessions = MemorySessions(store, self._undo)
        self.attempts = MemoryAttempts(store, self._undo)
        self.audit = MemoryAudit(store, self._undo)
        self.outbox = MemoryOutbox(store, self._undo, new_id)
        self.attachments = MemoryAttachments(store, self._undo)
        self.presence = MemoryPresence(store, self._undo)
        self.reply_templates = MemoryReplyTemplates(store, self._undo)
        self.support_levels = MemorySupportLevels(store, self._undo)
        self.webhooks = MemoryWebhooks(store, self._undo)
        self.api_tokens = MemoryApiTokens(store, self._undo)
        self.kb = MemoryKb(store, self._undo)
        self.kb_search = MemoryKbSearch(store)

    def __enter__(self) -> Self:
        self.store.lock.acquire()
        self._undo.forget()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self.rollback()
        finally:
            self.store.lock.release()

    def commit(self) -> None:
        self._undo.forget()

    def rollback(self) -> None:
        self._undo.undo()


class MemoryUnitOfWorkFactory:
    """Makes units of work over one shared ``MemoryStore`` (one in-memory database)."""

    def __init__(self, store: MemoryStore | None = None,
                 new_id: Callable[[], str] = _uuid) -> None:
        self.store = store or MemoryStore()
        self.new_id = new_id

    def __call__(self, *, readonly: bool = False) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.store, self.new_id)
