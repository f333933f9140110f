"""Pruning: delete what the retention periods no longer keep, a batch per transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from ..ports import UnitOfWork
from ..retention import PruneReport, Retention
from .context import Ports


class _Prunable(Protocol):
    def delete_older_than(self, cutoff: datetime, limit: int) -> int: ...


# (report field, retention period, repository) in the order they are pruned
_STORES: tuple[tuple[str, Callable[[Retention], timedelta],
                     Callable[[UnitOfWork], _Prunable]], ...] = (
    ("presence", lambda r: r.presence, lambda uow: uow.presence),
    ("attempts", lambda r: r.attempts, lambda uow: uow.attempts),
    ("sessions", lambda r: r.sessions, lambda uow: uow.sessions),
    ("tokens", lambda r: r.tokens, lambda uow: uow.tokens),
    ("sent_mail", lambda r: r.sent_mail, lambda uow: uow.outbox),
    ("webhook_deliveries", lambda r: r.webhook_deliveries, lambda uow: uow.webhooks),
    ("audit", lambda r: r.audit, lambda uow: uow.audit),
)


def prune(periods: Retention, ports: Ports, *, max_batches: int | None = None) -> PruneReport:
    """Delete rows older than their retention period, at most ``periods.batch`` rows per
    transaction so no lock is held for long. With ``max_batches`` the run stops after that
    many transactions that deleted something and reports ``complete=False``; running it
    again goes on (a store with nothing left to delete costs no budget)."""
    now = ports.clock.now()
    deleted = dict.fromkeys((name for name, _, _ in _STORES), 0)
    batches = 0
    for name, period, repository in _STORES:
        cutoff = now - period(periods)
        while True:
            if max_batches is not None and batches >= max_batches:
                return PruneReport(**deleted, complete=False)
            with ports.uow() as work:
                count = repository(work).delete_older_than(cutoff, periods.batch)
                work.commit()
            if count:
                batches += 1
            deleted[name] += count
            if count < periods.batch:
                break
    return PruneReport(**deleted, complete=True)
