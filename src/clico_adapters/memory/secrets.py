"""Secret generators: the system's CSPRNG, and a seeded one for deterministic tests."""

from __future__ import annotations

import base64
import random
import secrets
import threading
import uuid

# Crockford-style alphabet without I, L, O, U: keys are read off paper certificates.
KEY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # 32 symbols = 5 bits each


def _key_length(nbits: int) -> int:
    return -(-nbits // 5)


class SystemSecrets:
    """Backed by ``secrets`` (the OS CSPRNG)."""

    def token(self, nbytes: int) -> str:
        return secrets.token_urlsafe(nbytes)

    def digits(self, count: int) -> str:
        return "".join(secrets.choice("0123456789") for _ in range(count))

    def key(self, nbits: int) -> str:
        return "".join(secrets.choice(KEY_ALPHABET) for _ in range(_key_length(nbits)))

    def new_id(self) -> str:
        return uuid.uuid4().hex


class SeededSecrets:
    """Deterministic and NOT secret: for tests and reproducible demos only."""

    def __init__(self, seed: int = 0) -> None:
        self._random = random.Random(seed)  # noqa: S311 - deliberately predictable
        self._lock = threading.Lock()

    def token(self, nbytes: int) -> str:
        with self._lock:
            raw = self._random.randbytes(nbytes)
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    def digits(self, count: int) -> str:
        with self._lock:
            return "".join(self._random.choice("0123456789") for _ in range(count))

    def key(self, nbits: int) -> str:
        with self._lock:
            return "".join(self._random.choice(KEY_ALPHABET) for _ in range(_key_length(nbits)))

    def new_id(self) -> str:
        with self._lock:
            return uuid.UUID(int=self._random.getrandbits(128), version=4).hex
