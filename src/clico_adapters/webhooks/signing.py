"""The signature receivers check: HMAC-SHA256 over ``"<t>.<body>"`` (docs/webhooks.md)."""

from __future__ import annotations

import hashlib
import hmac


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"
