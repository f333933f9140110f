"""The read-your-writes cookie: a session's last write, whichever portal process answers.

With a replica (``CLICO_DATABASE_REPLICA_URL``) the composition root routes read-only work
to it, except a session's reads shortly after it wrote (``clico_adapters.consistency``).
Portal processes behind a proxy share nothing, so the session's mark travels in a cookie:
this middleware hands the mark the request brings to the services (the request's
``Marks``) and sends back the new one when the request wrote. The cookie holds a WAL
position and a time, nothing secret; a forged one only moves its own reads to the primary.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clico_adapters.consistency import COOKIE, WriteMark, marks_for_request, now


class ReadYourWritesMiddleware:
    """Opens the request's ``Marks`` from the ``clico_written`` cookie; sets it after a
    write, for ``sticky_seconds`` (after which reads go to the replica anyway)."""

    def __init__(self, app: ASGIApp, *, sticky_seconds: int, https: bool) -> None:
        self.app = app
        self.sticky_seconds = sticky_seconds
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        value = HTTPConnection(scope).cookies.get(COOKIE, "")
        with marks_for_request(WriteMark.decode(value, now())) as marks:

            async def send_marked(message: Message) -> None:
                if message["type"] == "http.response.start" and marks.changed \
                        and marks.mark is not None:
                    MutableHeaders(scope=message).append("Set-Cookie",
                                                         self._cookie(marks.mark))
                await send(message)

            await self.app(scope, receive, send_marked)

    def _cookie(self, mark: WriteMark) -> str:
        cookie: SimpleCookie = SimpleCookie()
        cookie[COOKIE] = mark.encode()
        morsel = cookie[COOKIE]
        morsel["path"] = "/"
        morsel["max-age"] = str(self.sticky_seconds + 1)
        morsel["httponly"] = True
        morsel["samesite"] = "Lax"
        if self.https:
            morsel["secure"] = True
        return morsel.OutputString()
