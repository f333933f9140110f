"""TOTP (RFC 6238) with pyotp: 30-second steps, 6 digits, SHA-1 (what every app supports)."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

import pyotp

WINDOW = 1  # accept the previous and the next step too (clock drift, typing time)
STEP = timedelta(seconds=30)


class PyotpVerifier:
    """``clico_core.ports.TotpVerifier`` over pyotp."""

    def new_secret(self) -> str:
        return pyotp.random_base32(length=32)  # 160 bits

    def provisioning_uri(self, secret: str, account_name: str, issuer: str) -> str:
        return pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=issuer)

    def matching_step(self, secret: str, code: str, at: datetime) -> int | None:
        totp = pyotp.TOTP(secret)
        for offset in range(-WINDOW, WINDOW + 1):
            moment = at + offset * STEP
            if hmac.compare_digest(totp.at(moment), code):
                return int(totp.timecode(moment))
        return None
