"""CSRF protection for every POST, sign-in and sign-out included.

The token is ``HMAC(secret key, anonymous id | session token)``: the anonymous id is a random
HttpOnly cookie every browser gets on its first visit, the session token the cookie set at
sign-in. A token therefore works only in the browser (and session) it was rendered for, and
changes when the session changes. A foreign ``Origin`` is refused as well.

The middleware reads the (size-limited) body itself, so no handler can forget the check, and
replays it to the app unchanged. An upload (``multipart/form-data`` to a path in
``upload_paths``) is not buffered: its token is its first field or the ``X-CSRF-Token``
header (``csrf_multipart``); a multipart body anywhere else is refused, as before.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import parse_qsl

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request, cookie_parser
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..settings import Settings
from .csrf_multipart import CSRF_HEADER, boundary_of, read_first_part
from .headers import is_static

CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_COOKIE_VALUE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")

Refuse = Callable[[Request, int], Awaitable[Response]]


def anon_cookie_name(settings: Settings) -> str:
    return "__Host-clico_anon" if settings.https else "clico_anon"


def session_cookie_name(settings: Settings) -> str:
    return "__Host-clico_session" if settings.https else "clico_session"


def device_cookie_name(settings: Settings) -> str:
    return "__Host-clico_device" if settings.https else "clico_device"


def valid_cookie_value(value: str | None) -> str | None:
    return value if value and _COOKIE_VALUE.match(value) else None


def csrf_token(key: bytes, anon_id: str, session_token: str) -> str:
    message = f"csrf|{anon_id}|{session_token}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


class CsrfMiddleware:
    def __init__(self, app: ASGIApp, *, settings: Settings, refuse: Refuse,
                 upload_paths: Sequence[re.Pattern[str]] = (),
                 exempt_prefix: str | None = None) -> None:
        self.app = app
        # The JSON API reads no cookie (bearer tokens only): nothing there to forge.
        self.exempt_prefix = exempt_prefix
        self.upload_paths = tuple(upload_paths)
        self.settings = settings
        self.key = settings.effective_secret_key()
        self.refuse = refuse
        self.anon_name = anon_cookie_name(settings)
        self.session_name = session_cookie_name(settings)

    def _cookies(self, headers: Headers) -> dict[str, str]:
        """The cookies as the handlers read them (``request.cookies``: Starlette's parser,
        a tenth of ``http.cookies``' cost), so the token binds the session they will see."""
        return cookie_parser("; ".join(headers.getlist("cookie")))

    def _origin_ok(self, scope: Scope, headers: Headers) -> bool:
        origin = headers.get("origin")
        if origin is None:
            return True
        own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
        return origin in (self.settings.origin, own)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (
                self.exempt_prefix and scope["path"].startswith(self.exempt_prefix)):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookies = self._cookies(headers)
        anon = valid_cookie_value(cookies.get(self.anon_name))
        new_anon = anon is None
        anon = anon or secrets.token_urlsafe(24)
        session = valid_cookie_value(cookies.get(self.session_name)) or ""
        expected = csrf_token(self.key, anon, session)
        state = scope.setdefault("state", {})
        state["csrf_token"] = expected

        if scope["method"] not in SAFE_METHODS:
            if new_anon or not self._origin_ok(scope, headers):
                await self._refuse(scope, receive, send, 403)
                return
            boundary = boundary_of(headers.get("content-type", ""))
            if boundary is not None and self._is_upload(scope["path"]):
                checked = await self._check_upload(receive, headers, boundary, expected)
                if checked is None:
                    await self._refuse(scope, receive, send, 403)
                    return
                receive = checked
            else:
                checked_form = await self._check_form(scope, receive, send, headers,
                                                      expected)
                if checked_form is None:
                    return
                receive = checked_form

        # A static response may sit in a shared cache: it must never carry a cookie, or the
        # cache hands one browser's anonymous id (and so its CSRF tokens) to the next.
        issue_cookie = new_anon and not is_static(scope["path"])

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and issue_cookie:
                response_headers = MutableHeaders(scope=message)
                secure = "; Secure" if self.settings.https else ""
                response_headers.append(
                    "set-cookie",
                    f"{self.anon_name}={anon}; Path=/; HttpOnly; SameSite=Lax{secure}")
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _is_upload(self, path: str) -> bool:
        return any(pattern.fullmatch(path) for pattern in self.upload_paths)

    async def _check_upload(self, receive: Receive, headers: Headers, boundary: bytes,
                            expected: str) -> Receive | None:
        """The token from the header, or from the form's first field: read only that far
        and replayed. None when it is missing or wrong."""
        given = headers.get(CSRF_HEADER)
        if given is not None:
            return receive if _same(given.encode(), expected) else None
        first = await read_first_part(receive, boundary)
        if not (first.complete and first.name == CSRF_FIELD and not first.is_file
                and _same(first.value, expected)):
            return None
        return _replay(first.body, receive, more_body=first.more_body)

    async def _check_form(self, scope: Scope, receive: Receive, send: Send, headers: Headers,
                          expected: str) -> Receive | None:
        """An ordinary form: read whole (size-limited), checked, replayed; None when
        refused (the refusal is sent)."""
        body = await self._read_body(receive, headers)
        if body is None:
            await self._refuse(scope, receive, send, 413)
            return None
        if not self._token_ok(body, headers, expected):
            await self._refuse(scope, receive, send, 403)
            return None
        return _replay(body, receive)

    async def _read_body(self, receive: Receive, headers: Headers) -> bytes | None:
        limit = self.settings.max_form_bytes
        declared = headers.get("content-length", "0")
        if declared.isdigit() and int(declared) > limit:
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _token_ok(self, body: bytes, headers: Headers, expected: str) -> bool:
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return False
        try:
            pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True,
                              max_num_fields=500)
        except ValueError:
            return False
        given = [value for name, value in pairs if name == CSRF_FIELD]
        return len(given) == 1 and _same(given[0].encode(), expected)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, status: int) -> None:
        response = await self.refuse(Request(scope, receive), status)
        await response(scope, receive, send)


def _same(given: bytes, expected: str) -> bool:
    return hmac.compare_digest(given, expected.encode())


def _replay(body: bytes, original: Receive, *, more_body: bool = False) -> Receive:
    """Hand the buffered body (or its beginning, when ``more_body``) to the app, then pass
    through to the rest of the request (e.g. the disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": more_body}
        return await original()

    return receive
