"""Browsers that completed a sign-in on an account: what a device cookie claims.

The web signs the claim into a long-lived cookie; the core only decides whether a claim it
is shown still counts for the account being signed in to (docs/security.md, sign-in limits).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import frozen

from .values import AccountId

DEVICE_LIFETIME = timedelta(days=365)
DEVICE_ID_BYTES = 16


@frozen
class TrustedDevice:
    """This browser completed a sign-in (both steps) on ``account_id`` at ``issued_at``."""

    account_id: AccountId
    device_id: str
    issued_at: datetime

    def trusted_for(self, account_id: AccountId, *, at: datetime) -> bool:
        return self.account_id == account_id and at < self.issued_at + DEVICE_LIFETIME
