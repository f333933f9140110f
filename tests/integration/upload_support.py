"""A small app around the upload reader and the download response, and an ASGI driver that
streams a generated multipart body and counts how much of it the app read."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from attrs import define, field
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message

from clico_core.errors import ClicoError
from clico_core.services import Services, Viewer
from clico_web import Settings
from clico_web.attachments import attachment_response, receive_attachments
from clico_web.errors import info_for, message_args
from clico_web.security.csrf import CsrfMiddleware, csrf_token
from clico_web.security.headers import SecurityHeadersMiddleware

BOUNDARY = "----clico-test-boundary-7MA4YWxkTrZu0gW"
ANON = "test-browser-anon-id-0001"
CHUNK = 64 * 1024


def token(settings: Settings) -> str:
    return csrf_token(settings.effective_secret_key(), ANON, "")


async def _refuse(request: Request, status: int) -> Response:
    return PlainTextResponse(f"refused {status}", status_code=status)


def upload_app(settings: Settings, services: Services, viewers: dict[str, Viewer]) -> Starlette:
    async def upload(request: Request) -> Response:
        viewer = viewers[request.query_params.get("as", "jan")]
        try:
            form = await receive_attachments(request, services, viewer)
        except ClicoError as error:
            info = info_for(error)
            return PlainTextResponse(info.message % message_args(error),
                                     status_code=info.status)
        return JSONResponse({"fields": [list(f) for f in form.fields],
                             "files": [{"id": a.id, "name": a.file_name, "size": a.size,
                                        "type": a.media_type} for a in form.files]})

    async def download(request: Request) -> Response:
        viewer = viewers[request.query_params.get("as", "jan")]
        try:
            found = services.attachment_for_download(viewer, request.path_params["id"])
        except ClicoError:
            return PlainTextResponse("not found", status_code=404)
        return attachment_response(request, found,
                                   inline=request.query_params.get("inline") == "1")

    return Starlette(routes=[
        Route("/upload", upload, methods=["POST"]),
        Route("/elsewhere", upload, methods=["POST"]),
        Route("/files/{id}", download),
    ], middleware=[
        Middleware(SecurityHeadersMiddleware, https=False),
        Middleware(CsrfMiddleware, settings=settings, refuse=_refuse,
                   upload_paths=(re.compile("/upload"),)),
    ])


def text_part(name: str, value: str) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            f"{value}\r\n").encode()


def file_part(name: str, file_name: str, content: Iterable[bytes]) -> Iterator[bytes]:
    yield (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; "
           f"filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n").encode()
    yield from content
    yield b"\r\n"


def end() -> bytes:
    return f"--{BOUNDARY}--\r\n".encode()


def filler(size: int, head: bytes = b"") -> Iterator[bytes]:
    """``size`` bytes made a chunk at a time, never held whole."""
    if head:
        yield head
    left = size - len(head)
    while left > 0:
        yield b"x" * min(CHUNK, left)
        left -= CHUNK


@define
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    sent: int  # request body bytes the app asked for
    total: int  # of how many


@define
class _Body:
    pieces: Iterator[bytes]
    sent: int = 0
    done: bool = False
    buffer: bytearray = field(factory=bytearray)

    def next_chunk(self) -> tuple[bytes, bool]:
        while len(self.buffer) < CHUNK and not self.done:
            try:
                self.buffer += next(self.pieces)
            except StopIteration:
                self.done = True
        chunk = bytes(self.buffer[:CHUNK])
        del self.buffer[:CHUNK]
        self.sent += len(chunk)
        return chunk, not (self.done and not self.buffer)


async def post(app: ASGIApp, path: str, pieces: Iterable[bytes], *, total: int = 0,
               headers: dict[str, str] | None = None, cookie: bool = True,
               disconnect_after: int | None = None) -> Answer:
    """POST a streamed multipart body; ``total`` (if known) is sent as Content-Length.
    ``disconnect_after``: the client goes away once that many bytes are sent."""
    body = _Body(iter(pieces))
    raw = [(b"host", b"testserver"),
           (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode())]
    if cookie:
        raw.append((b"cookie", f"clico_anon={ANON}".encode()))
    if total:
        raw.append((b"content-length", str(total).encode()))
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": raw, "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80), "state": {},
    }
    finished = False
    status, answer_headers, answer = 0, {}, bytearray()

    async def receive() -> Message:
        nonlocal finished
        if finished or (disconnect_after is not None and body.sent >= disconnect_after):
            return {"type": "http.disconnect"}
        chunk, more = body.next_chunk()
        finished = not more
        return {"type": "http.request", "body": chunk, "more_body": more}

    async def send(message: Message) -> None:
        nonlocal status, answer_headers
        if message["type"] == "http.response.start":
            status = message["status"]
            answer_headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            answer.extend(message.get("body", b""))

    await app(scope, receive, send)
    return Answer(status, answer_headers, bytes(answer), body.sent, total)
