"""Argon2id password hashing (argon2-cffi), with rehash when parameters change."""

from __future__ import annotations

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from clico_core.accounts import UNUSABLE_PASSWORD

from .lowpriority import LowPriorityRunner

# docs/security.md floor: m >= 19 MiB, t >= 2. argon2-cffi's default (RFC 9106 low-memory:
# m=64 MiB, t=3, p=4) is stronger and is what the portal uses.
MINIMUM = argon2.Parameters(type=argon2.Type.ID, version=19, salt_len=16, hash_len=32,
                            time_cost=2, memory_cost=19 * 1024, parallelism=1)


class Argon2Hasher:
    """``clico_core.ports.PasswordHasher`` over argon2id.

    ``nice`` > 0 runs the hashing on ``threads`` threads of that lower CPU priority
    (argon2's own lane threads inherit it), so that a flood of sign-ins takes only the CPU
    that other requests leave; the portal sets it from ``CLICO_HASHING_NICE``.
    """

    def __init__(self, parameters: argon2.Parameters | None = None, *, nice: int = 0,
                 threads: int = 2) -> None:
        self._hasher = (argon2.PasswordHasher.from_parameters(parameters) if parameters
                        else argon2.PasswordHasher())
        self._dummy: str | None = None
        self._runner = LowPriorityRunner(nice, threads, "argon2")

    @property
    def nice(self) -> int:
        return self._runner.nice

    @property
    def threads(self) -> int:
        return self._runner.threads

    @classmethod
    def minimum(cls) -> Argon2Hasher:
        """The weakest profile docs/security.md allows (used by tests to stay fast)."""
        return cls(MINIMUM)

    def hash(self, password: str) -> str:
        return self._runner.run(self._hasher.hash, password)

    def verify(self, stored_hash: str, password: str) -> bool:
        if not stored_hash or stored_hash.startswith(UNUSABLE_PASSWORD):
            self.dummy_verify(password)  # same cost as a real check
            return False
        return self._runner.run(self._verify, stored_hash, password)

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
        self._runner.run(self._verify, self._dummy, password)

    def close(self) -> None:
        """End the hashing threads (a later hash starts them again)."""
        self._runner.shutdown()
