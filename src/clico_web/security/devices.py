"""The device cookie: a browser that completed a sign-in on an account (both steps) keeps a
signed, long-lived note of it, so that strangers' failures on that login do not slow it
down (docs/security.md, sign-in limits). It proves nothing by itself: the password and the
code are still asked for; it only picks which counters an attempt is charged to.

The value holds up to ``MAX_ACCOUNTS`` entries ``account.device.issued.signature`` joined
by ``~``, newest first (a browser shared by a few accounts keeps each). The signature is an
HMAC-SHA256 under a key derived from the portal's secret key, as the CSRF token is; the
core decides whether an entry has expired.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from clico_core.devices import DEVICE_LIFETIME, TrustedDevice

from ..settings import Settings
from .csrf import device_cookie_name

MAX_ACCOUNTS = 5
MAX_COOKIE_CHARS = 1024
_PART = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_ISSUED = re.compile(r"^[0-9]{1,12}$")


class DeviceCookies:
    """Reads and writes the device cookie of one portal (its name, key and flags)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._name = device_cookie_name(settings)
        self._secure = settings.https
        self._key: bytes | None = None

    def _signature(self, payload: str) -> str:
        if self._key is None:  # on first use, as the CSRF middleware reads the secret key
            # a key of its own: a device signature never passes for any other HMAC we make
            self._key = hmac.new(self._settings.effective_secret_key(), b"clico device cookie",
                                 hashlib.sha256).digest()
        digest = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def _entry(self, device: TrustedDevice) -> str | None:
        if not (_PART.match(device.account_id) and _PART.match(device.device_id)):
            return None  # not representable: better no cookie than a malformed one
        payload = f"{device.account_id}.{device.device_id}.{int(device.issued_at.timestamp())}"
        return f"{payload}.{self._signature(payload)}"

    def _device(self, entry: str) -> TrustedDevice | None:
        parts = entry.split(".")
        if len(parts) != 4:
            return None
        account_id, device_id, issued, signature = parts
        if not (_PART.match(account_id) and _PART.match(device_id) and _ISSUED.match(issued)):
            return None
        expected = self._signature(f"{account_id}.{device_id}.{issued}")
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            return None
        return TrustedDevice(account_id, device_id, datetime.fromtimestamp(int(issued), UTC))

    def read(self, request: Request) -> tuple[TrustedDevice, ...]:
        """The validly signed entries of the request's cookie (none if absent or forged)."""
        value = request.cookies.get(self._name, "")
        if not value or len(value) > MAX_COOKIE_CHARS:
            return ()
        found = (self._device(entry) for entry in value.split("~")[:MAX_ACCOUNTS])
        return tuple(device for device in found if device is not None)

    def remember(self, response: Response, request: Request,
                 device: TrustedDevice | None) -> None:
        """Put ``device`` first in the browser's cookie, keeping its other accounts'."""
        if device is None:
            return
        kept: Iterable[TrustedDevice] = (
            d for d in self.read(request) if d.account_id != device.account_id)
        entries = [e for d in (device, *kept) if (e := self._entry(d)) is not None]
        if not entries:
            return
        response.set_cookie(self._name, "~".join(entries[:MAX_ACCOUNTS]),
                            max_age=int(DEVICE_LIFETIME.total_seconds()), path="/",
                            httponly=True, samesite="lax", secure=self._secure)


def device_cookies_of(request: Request) -> DeviceCookies:
    cookies: DeviceCookies = request.app.state.devices
    return cookies
