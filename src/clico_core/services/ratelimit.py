"""Rate limiting over the ``AttemptLog`` port: counted failures in a sliding window."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..audit import AuditEvent, AuditKind
from ..errors import TooManyAttempts
from ..ports import UnitOfWork
from .context import RateLimit


def retry_after(uow: UnitOfWork, key: str, rule: RateLimit, now: datetime) -> timedelta | None:
    """How long until ``key`` may try again, or None if it is under its limit."""
    since = now - rule.window
    if uow.attempts.count_since(key, since) < rule.limit:
        return None
    oldest = uow.attempts.oldest_since(key, since) or now
    return max(oldest + rule.window - now, timedelta(seconds=1))


def enforce(uow: UnitOfWork, limits: list[tuple[str, RateLimit]], now: datetime, *,
            account_id: str | None = None, client: str = "") -> None:
    """Raise ``TooManyAttempts`` (and audit it) if any of the keys is over its limit."""
    waits = [w for key, rule in limits if (w := retry_after(uow, key, rule, now)) is not None]
    if waits:
        uow.audit.record(AuditEvent(AuditKind.RATE_LIMITED, now, account_id, client))
        uow.commit()
        raise TooManyAttempts(max(waits))


def record_failure(uow: UnitOfWork, keys: list[str], now: datetime) -> None:
    for key in keys:
        uow.attempts.add(key, now)
