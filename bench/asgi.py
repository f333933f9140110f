"""Calling an ASGI app in-process, one request at a time (no sockets, no client library)."""

from __future__ import annotations

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
