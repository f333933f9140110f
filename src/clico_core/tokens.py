"""Single-use, expiring, purpose-bound secrets: e-mail confirmation and password reset links.

Only a hash of the secret is stored. A token also remembers the account's security stamp
when it was issued; any later password change, sign-in or state change kills it.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from datetime import datetime, timedelta

from attrs import define

from .values import AccountId

TOKEN_BYTES = 32  # 256 bits, well above the 128 required


class TokenPurpose(enum.StrEnum):
    CONFIRM_EMAIL = "confirm_email"
    RESET_PASSWORD = "reset_password"


LIFETIMES = {
    TokenPurpose.CONFIRM_EMAIL: timedelta(hours=24),
    TokenPurpose.RESET_PASSWORD: timedelta(hours=1),
}


def hash_secret(purpose: str, secret: str) -> str:
    """Digest under which a token, code or session id is stored (purpose-bound)."""
    return hashlib.sha256(f"{purpose}:{secret}".encode()).hexdigest()


def secrets_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@define(eq=False)
class Token:
    token_hash: str
    purpose: TokenPurpose
    account_id: AccountId
    security_stamp: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    def usable(self, *, at: datetime, stamp: int) -> bool:
        return self.used_at is None and at < self.expires_at and stamp == self.security_stamp
