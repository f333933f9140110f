"""Argon2id password hashing (argon2-cffi), with rehash when parameters change."""

from __future__ import annotations

import contextlib

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from clico_core.accounts import UNUSABLE_PASSWORD

# SECURITY.md floor: m >= 19 MiB, t >= 2. argon2-cffi's default (RFC 9106 low-memory:
# m=64 MiB, t=3, p=4) is stronger and is what the portal uses.
MINIMUM = argon2.Parameters(type=argon2.Type.ID, version=19, salt_len=16, hash_len=32,
                            time_cost=2, memory_cost=19 * 1024, parallelism=1)


class Argon2Hasher:
    """``clico_core.ports.PasswordHasher`` over argon2id."""

    def __init__(self, parameters: argon2.Parameters | None = None) -> None:
        self._hasher = (argon2.PasswordHasher.from_parameters(parameters) if parameters
                        else argon2.PasswordHasher())
        self._dummy: str | None = None

    @classmethod
    def minimum(cls) -> Argon2Hasher:
        """The weakest profile SECURITY.md allows (used by tests to stay fast)."""
        return cls(MINIMUM)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        if not stored_hash or stored_hash.startswith(UNUSABLE_PASSWORD):
            self.dummy_verify(password)  # same cost as a real check
            return False
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
            self._dummy = self._hasher.hash("dummy password for unknown accounts")
        with contextlib.suppress(VerifyMismatchError, VerificationError, InvalidHashError):
            self._hasher.verify(self._dummy, password)
