"""``AesGcmSecretBox``: the ``clico_core.ports.SecretBox`` over AES-256-GCM (cryptography).

Keys come from the portal's secret key (``CLICO_SECRET_KEY``) through HKDF-SHA256, one
derived key per purpose, so a value sealed for one use never opens for another. A sealed
value reads ``v1:<key id>:<base64url(nonce | ciphertext | tag)>``; the key id (also derived
from the secret key, and telling nothing about it) lets a box that knows the previous keys
open what they sealed while ``clico secrets rotate`` re-seals it under the current one.
The associated data binds each value to its purpose and row: copied to another row it no
longer opens. See docs/security.md and docs/operations.md ("Secrets at rest and key
rotation").

cryptography rather than hand-made crypto: it is the maintained binding of OpenSSL that the
Python ecosystem audits, and AES-GCM and HKDF are one call each there.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from clico_core.ports import SecretUnreadable

FORMAT = "v1"
NONCE_BYTES = 12  # GCM's standard nonce, random per seal
_SALT = b"clico-support secret box"
_KEY_ID_LABEL = "key-id"


def _derive(secret_key: bytes, label: str, length: int) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=_SALT,
                info=f"clico-support/{FORMAT}/{label}".encode())
    return hkdf.derive(secret_key)


class _Key:
    """One secret key: its id and its per-purpose AES-GCM keys (derived once each)."""

    def __init__(self, secret_key: bytes) -> None:
        if not secret_key:
            raise ValueError("the secret key is empty")
        self._secret_key = secret_key
        self.id = _derive(secret_key, _KEY_ID_LABEL, 6).hex()
        self._ciphers: dict[str, AESGCM] = {}

    def cipher(self, purpose: str) -> AESGCM:
        cipher = self._ciphers.get(purpose)
        if cipher is None:
            if not purpose or purpose == _KEY_ID_LABEL:
                raise ValueError(f"not a purpose: {purpose!r}")
            cipher = self._ciphers[purpose] = AESGCM(_derive(self._secret_key, purpose, 32))
        return cipher


def _bytes(key: str | bytes) -> bytes:
    return key.encode() if isinstance(key, str) else key


def _associated_data(key_id: str, purpose: str, bound_to: str) -> bytes:
    return "\n".join((FORMAT, key_id, purpose, bound_to)).encode()


class AesGcmSecretBox:
    """Seals under ``current``; opens what ``current`` or any of ``previous`` sealed."""

    def __init__(self, current: str | bytes, previous: Sequence[str | bytes] = ()) -> None:
        self._current = _Key(_bytes(current))
        self._keys = {self._current.id: self._current}
        for key in previous:
            derived = _Key(_bytes(key))
            self._keys.setdefault(derived.id, derived)

    def __repr__(self) -> str:  # never the keys
        return f"<AesGcmSecretBox key {self.key_id}, {len(self._keys) - 1} previous>"

    @property
    def key_id(self) -> str:
        """The id of the current key, as it appears in every value sealed now."""
        return self._current.id

    def seal(self, plaintext: str, *, purpose: str, bound_to: str) -> str:
        key = self._current
        nonce = os.urandom(NONCE_BYTES)
        data = key.cipher(purpose).encrypt(nonce, plaintext.encode(),
                                           _associated_data(key.id, purpose, bound_to))
        payload = base64.urlsafe_b64encode(nonce + data).decode().rstrip("=")
        return f"{FORMAT}:{key.id}:{payload}"

    def open(self, sealed: str, *, purpose: str, bound_to: str) -> str:
        version, _, rest = sealed.partition(":")
        key_id, _, payload = rest.partition(":")
        if version != FORMAT or not payload:
            raise SecretUnreadable("not a sealed value")
        key = self._keys.get(key_id)
        if key is None:
            raise SecretUnreadable(f"sealed under key {key_id}, which is not configured "
                                   "(CLICO_SECRET_KEY, CLICO_SECRET_KEY_PREVIOUS)")
        try:
            raw = base64.b64decode(payload + "=" * (-len(payload) % 4), altchars=b"-_",
                                   validate=True)
            plaintext = key.cipher(purpose).decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated_data(key_id, purpose, bound_to))
            return plaintext.decode()
        except (InvalidTag, binascii.Error, ValueError, UnicodeDecodeError):
            raise SecretUnreadable(
                f"a sealed {purpose} was altered or belongs to another row") from None

    def is_current(self, sealed: str) -> bool:
        return sealed.startswith(f"{FORMAT}:{self._current.id}:")
