"""Rate limiting over the ``AttemptLog`` port: counted failures in a sliding window."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

from ..audit import AuditEvent, AuditKind
from ..errors import TooManyAttempts
from ..ports import UnitOfWork
from .context import RateLimit, Slowdown


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


def slowdown_wait(uow: UnitOfWork, key: str, rule: Slowdown, now: datetime
                  ) -> timedelta | None:
    """How long until ``key`` may try again under a slow-down, or None if it may now."""
    since = now - rule.window
    delay = rule.delay(uow.attempts.count_since(key, since))
    if not delay:
        return None
    latest = uow.attempts.newest_since(key, since) or now
    wait = latest + delay - now
    return max(wait, timedelta(seconds=1)) if wait > timedelta(0) else None


def refuse_if_waiting(uow: UnitOfWork, waits: list[timedelta | None], now: datetime, *,
                      account_id: str | None = None, client: str = "") -> None:
    """``enforce`` for waits already worked out (limits and slow-downs mixed)."""
    due = [wait for wait in waits if wait is not None]
    if due:
        uow.audit.record(AuditEvent(AuditKind.RATE_LIMITED, now, account_id, client))
        uow.commit()
        raise TooManyAttempts(max(due))


def address_key(client: str) -> str:
    """The client address as the limits count it: an IPv6 client by its /64 (one host
    usually holds a whole /64, so single addresses cost an attacker nothing), an IPv4 or
    IPv4-mapped one as is."""
    try:
        address = ipaddress.ip_address(client.strip())
    except ValueError:
        return client[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(address) >> 64 << 64, 64)))
    return str(address)
