"""Exponential back-off with jitter for mail retries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta


def backoff_delay(attempt: int, base: timedelta, cap: timedelta,
                  rand: Callable[[], float]) -> timedelta:
    """The wait after failed try number ``attempt`` (1, 2, …): ``base·2^(attempt-1)``
    capped at ``cap``, then scaled into its upper half by ``rand()`` in [0, 1) so workers
    that failed together do not all come back together."""
    doubled = base.total_seconds() * 2.0 ** min(max(attempt - 1, 0), 64)  # floats never overflow
    ceiling = min(cap.total_seconds(), doubled)
    return timedelta(seconds=ceiling * (0.5 + 0.5 * min(max(rand(), 0.0), 1.0)))
