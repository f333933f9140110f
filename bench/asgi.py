"""Calling an ASGI app in-process, one request at a time (no sockets, no client library)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message


async def get(app: ASGIApp, url: str, cookie: str = "") -> tuple[int, bytes]:
    """GET ``url`` (path and query) from ``app``; the status and the whole body."""
    parts = urlsplit(url)
    headers = [(b"host", b"127.0.0.1:8000"), (b"accept-language", b"pl")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": parts.path, "raw_path": parts.path.encode(),
        "query_string": parts.query.encode(), "root_path": "", "headers": headers,
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {},
    }
    status = 0
    body: list[bytes] = []
    received = False

    async def receive() -> Message:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(body)


async def post_timed(app: ASGIApp, path: str, body: bytes, cookie: str, client: str
                     ) -> tuple[int, float]:
    """POST a form to ``app``: the status and the seconds until the answer's last byte was
    sent. Work the app does after answering (background tasks) is not counted, but this
    returns only once it is done, so the next request does not overlap it."""
    headers = [(b"host", b"127.0.0.1:8000"), (b"accept-language", b"pl"),
               (b"cookie", cookie.encode()),
               (b"content-type", b"application/x-www-form-urlencoded"),
               (b"content-length", str(len(body)).encode())]
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": headers, "client": (client, 50000),
        "server": ("127.0.0.1", 8000), "state": {},
    }
    status = 0
    answered = 0.0
    received = False

    async def receive() -> Message:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status, answered
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            answered = time.perf_counter()

    started = time.perf_counter()
    await app(scope, receive, send)
    return status, answered - started
