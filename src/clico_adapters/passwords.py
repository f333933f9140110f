"""Argon2id password hashing (argon2-cffi), with rehash when parameters change."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar, TypeVarTuple

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from clico_core.accounts import UNUSABLE_PASSWORD

from .hashing_budget import TimeBudget
from .lowpriority import LowPriorityRunner

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

# docs/security.md floor: m >= 19 MiB, t >= 2. argon2-cffi's default (RFC 9106 low-memory:
# m=64 MiB, t=3, p=4) is stronger and is what the portal uses.
MINIMUM = argon2.Parameters(type=argon2.Type.ID, version=19, salt_len=16, hash_len=32,
                            time_cost=2, memory_cost=19 * 1024, parallelism=1)


class Argon2Hasher:
    """``clico_core.ports.PasswordHasher`` over argon2id.

    ``nice`` > 0 runs the hashing on ``threads`` threads of that lower CPU priority
    (argon2's own lane threads inherit it), so that a flood of sign-ins takes only the CPU
    that other requests leave; the portal sets it from ``CLICO_HASHING_NICE``.

    ``budget``: a hash that finds time left in it runs at the pages' priority instead (and
    is charged its duration), so sign-ins keep a share of the core during a flood
    (``CLICO_HASHING_BUDGET_PERCENT``). ``cpus``: hash on those CPUs only, a core set aside
    for it (``CLICO_HASHING_CPUS``).
    """

    def __init__(self, parameters: argon2.Parameters | None = None, *, nice: int = 0,
                 threads: int = 2, budget: TimeBudget | None = None,
                 cpus: frozenset[int] = frozenset(),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._hasher = (argon2.PasswordHasher.from_parameters(parameters) if parameters
                        else argon2.PasswordHasher())
        self._dummy: str | None = None
        self._runner = LowPriorityRunner(nice, threads, "argon2", cpus)
        self._budget = budget if nice else None  # at nice 0 every hash has the priority
        self._within = LowPriorityRunner(0, threads, "argon2-budget", cpus)
        self._clock = clock
        self.within_budget = 0  # hashes run at the pages' priority, for the benchmarks

    def _run(self, function: Callable[[*Ts], T], *args: *Ts) -> T:
        if self._budget is None or not self._budget.available():
            return self._runner.run(function, *args)
        started = self._clock()
        try:
            return self._within.run(function, *args)
        finally:
            self._budget.charge(self._clock() - started)
            self.within_budget += 1

    @property
    def nice(self) -> int:
        return self._runner.nice

    @property
    def threads(self) -> int:
        return self._runner.threads

    @property
    def budget_share(self) -> float:
        """The share of the time hashing may run at the pages' priority (0: no budget)."""
        return self._budget.share if self._budget is not None else 0.0

    @property
    def cpus(self) -> frozenset[int]:
        return self._runner.cpus

    @classmethod
    def minimum(cls) -> Argon2Hasher:
        """The weakest profile docs/security.md allows (used by tests to stay fast)."""
        return cls(MINIMUM)

    def hash(self, password: str) -> str:
        return self._run(self._hasher.hash, password)

    def verify(self, stored_hash: str, password: str) -> bool:
        if not stored_hash or stored_hash.startswith(UNUSABLE_PASSWORD):
            self.dummy_verify(password)  # same cost as a real check
            return False
        return self._run(self._verify, stored_hash, password)

    def _verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(stored_hash)
        except (InvalidHashError, ValueError):
            return True

    def dummy_verify(self, password: str) -> None:
        if self._dummy is None:
            self._dummy = self.hash("dummy password for unknown accounts")
        self._run(self._verify, self._dummy, password)

    def close(self) -> None:
        """End the hashing threads (a later hash starts them again)."""
        self._runner.shutdown()
        self._within.shutdown()
