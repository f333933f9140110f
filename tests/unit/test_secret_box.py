"""AES-GCM sealing of stored secrets: bound to purpose and row, tamper-evident, rotatable."""

from __future__ import annotations

import base64

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from clico_adapters.secretbox import AesGcmSecretBox
from clico_core.ports import SecretUnreadable

OLD, NEW = "the old secret key, long enough to be real", "the new secret key, long enough too"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _sealed(box: AesGcmSecretBox, purpose: str = "totp-secret", row: str = "ac1") -> str:
    return box.seal(SECRET, purpose=purpose, bound_to=row)


def test_a_sealed_value_names_its_key_hides_the_secret_and_opens_again() -> None:
    box = AesGcmSecretBox(NEW)
    sealed = _sealed(box)
    assert sealed.startswith(f"v1:{box.key_id}:") and SECRET not in sealed
    assert SECRET.encode() not in base64.urlsafe_b64decode(sealed.split(":")[2] + "==")
    assert box.open(sealed, purpose="totp-secret", bound_to="ac1") == SECRET
    assert _sealed(box) != sealed  # a fresh nonce every time
    assert NEW not in repr(box) and box.key_id in repr(box)


@pytest.mark.parametrize(("purpose", "row"), [("outbox-context", "ac1"), ("totp-secret", "ac2")])
def test_a_value_opens_only_for_its_own_purpose_and_row(purpose: str, row: str) -> None:
    box = AesGcmSecretBox(NEW)
    with pytest.raises(SecretUnreadable, match="altered or belongs to another row"):
        box.open(_sealed(box), purpose=purpose, bound_to=row)


def test_tampering_anywhere_is_detected() -> None:
    box = AesGcmSecretBox(NEW)
    sealed = _sealed(box)
    version, key_id, payload = sealed.split(":")
    for position in (0, len(payload) // 2, len(payload) - 2):
        flipped = "A" if payload[position] != "A" else "B"
        altered = f"{version}:{key_id}:{payload[:position]}{flipped}{payload[position + 1:]}"
        with pytest.raises(SecretUnreadable):
            box.open(altered, purpose="totp-secret", bound_to="ac1")
    for broken in (f"{version}:{key_id}:{payload[:10]}", f"v2:{key_id}:{payload}", SECRET, "",
                   f"{version}:{key_id}:", f"{version}:{key_id}:{payload}!"):
        with pytest.raises(SecretUnreadable):
            box.open(broken, purpose="totp-secret", bound_to="ac1")


def test_previous_keys_open_and_only_the_current_one_seals() -> None:
    old = AesGcmSecretBox(OLD)
    rotating = AesGcmSecretBox(NEW, [OLD])
    sealed_before = _sealed(old)
    assert rotating.open(sealed_before, purpose="totp-secret", bound_to="ac1") == SECRET
    assert not rotating.is_current(sealed_before) and old.is_current(sealed_before)
    resealed = _sealed(rotating)
    assert rotating.is_current(resealed) and rotating.key_id != old.key_id
    with pytest.raises(SecretUnreadable, match="not configured"):
        AesGcmSecretBox(NEW).open(sealed_before, purpose="totp-secret", bound_to="ac1")
    with pytest.raises(SecretUnreadable, match="not configured"):
        old.open(resealed, purpose="totp-secret", bound_to="ac1")


def _derived(secret_key: str, label: str, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=b"clico-support secret box",
                info=f"clico-support/v1/{label}".encode()).derive(secret_key.encode())


def test_the_stored_format_is_hkdf_per_purpose_then_aes_gcm_bound_to_the_row() -> None:
    """Pinned, so values sealed by this version still open after an upgrade."""
    box = AesGcmSecretBox(NEW)
    sealed = _sealed(box)
    version, key_id, payload = sealed.split(":")
    assert key_id == _derived(NEW, "key-id", 6).hex()
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    aad = "\n".join((version, key_id, "totp-secret", "ac1")).encode()
    opened = AESGCM(_derived(NEW, "totp-secret")).decrypt(raw[:12], raw[12:], aad)
    assert opened.decode() == SECRET
    with pytest.raises(InvalidTag):  # another purpose's key, even with this purpose's data
        AESGCM(_derived(NEW, "outbox-context")).decrypt(raw[:12], raw[12:], aad)


def test_bad_purposes_and_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="not a purpose"):
        AesGcmSecretBox(NEW).seal(SECRET, purpose="key-id", bound_to="m1")
    with pytest.raises(ValueError, match="empty"):
        AesGcmSecretBox("")
