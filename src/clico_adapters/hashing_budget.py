"""A time budget for password hashing at the pages' own priority (a token bucket).

At a low CPU priority (``CLICO_HASHING_NICE``) a flood of sign-ins only gets what the pages
leave, which on a busy core is almost nothing: a real customer waited seconds to sign in.
At the pages' priority it takes the core from them. The budget gives hashing the pages'
priority for at most ``share`` of the time (averaged over ``burst`` seconds); a hash that
finds the budget spent runs at the low priority instead, on what the pages leave
(docs/performance.md, "sign-in flood").

A hash is charged its wall-clock time: argon2 computes its lanes on threads of its own,
whose CPU time the calling thread cannot see.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TimeBudget:
    """``share`` of every second (0–1], up to ``burst`` seconds saved up."""

    def __init__(self, share: float, burst: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not 0 < share <= 1:
            raise ValueError("share must be in (0, 1]")
        if burst <= 0:
            raise ValueError("burst must be positive")
        self.share, self.burst, self._clock = share, burst, clock
        self._left = burst
        self._at = clock()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._left = min(self.burst, self._left + (now - self._at) * self.share)
        self._at = now

    def available(self) -> bool:
        """Whether the next piece of work may run within the budget (some time is left)."""
        with self._lock:
            self._refill()
            return self._left > 0

    def charge(self, seconds: float) -> None:
        """Work done within the budget took ``seconds`` (the budget may go below zero)."""
        with self._lock:
            self._refill()
            self._left -= seconds

    def left(self) -> float:
        with self._lock:
            self._refill()
            return self._left
