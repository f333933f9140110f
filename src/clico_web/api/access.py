"""Who calls the API and how often: bearer tokens only, a scope per operation, and a rate
limit per token with ``RateLimit-*`` headers (docs/security.md, "API tokens").

The API reads no cookie: a browser's session never authenticates here, so there is nothing
for a cross-site request to ride on (and the CSRF middleware leaves /api alone). The
portal's pages, for their part, read nothing but their session cookie.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from attrs import define, field
from starlette.requests import Request
from starlette.responses import Response

from clico_core.api_tokens import TOKEN_PREFIX, ApiScope
from clico_core.errors import ClicoError
from clico_core.services import Viewer, require_api_scope

from ..portal import client_address, portal_of
from .problems import from_error, problem, unauthenticated

ApiHandler = Callable[[Request, Viewer], Awaitable[Response]]
# a handler that authenticates the token itself, inside its own read (the busy list)
TokenHandler = Callable[[Request, str], Awaitable[Response]]
Handler = Callable[[Request], Awaitable[Response]]


@define
class Window:
    started: float
    used: int


@define
class RateLimiter:
    """A fixed window per key, in this process: ``limit`` requests per ``seconds``.

    Per process on purpose: it keeps one script from starving the portal without a database
    write per request (the sign-in limits, which must hold across processes, live in the
    core's ``AttemptLog``)."""

    limit: int = 600
    seconds: int = 60
    clock: Callable[[], float] = time.monotonic
    windows: dict[str, Window] = field(factory=dict)
    lock: threading.Lock = field(factory=threading.Lock)

    def take(self, key: str) -> tuple[bool, dict[str, str]]:
        """Count one request; whether it may go on and the headers that say so."""
        now = self.clock()
        with self.lock:
            if len(self.windows) > 100_000:  # forget old windows rather than grow forever
                self.windows = {k: w for k, w in self.windows.items()
                                if now - w.started < self.seconds}
            window = self.windows.get(key)
            if window is None or now - window.started >= self.seconds:
                window = self.windows[key] = Window(now, 0)
            allowed = window.used < self.limit
            if allowed:
                window.used += 1
            reset = max(1, int(window.started + self.seconds - now + 0.999))
            headers = {"RateLimit-Limit": str(self.limit),
                       "RateLimit-Remaining": str(self.limit - window.used),
                       "RateLimit-Reset": str(reset),
                       "RateLimit-Policy": f"{self.limit};w={self.seconds}"}
            if not allowed:
                headers["Retry-After"] = str(reset)
            return allowed, headers


def limiter_of(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.api_limiter
    return limiter


def bearer(request: Request) -> str | None:
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(TOKEN_PREFIX):
        return None
    return secret


def operation(scope: ApiScope) -> Callable[[ApiHandler], Handler]:
    """Run ``handler`` for a caller with a valid token whose scope covers ``scope``, within
    its rate limit; core errors become problem details."""
    return _limited(scope, _run)


def read_operation(handler: TokenHandler) -> Handler:
    """Like ``operation(ApiScope.READ)`` for a handler that hands the token to one use case
    which authenticates it in the same read (every scope reads): it answers None for a
    token that opens nothing, and the handler returns ``unauthenticated()``."""

    async def run(inner: TokenHandler, request: Request, secret: str,
                  scope: ApiScope) -> Response:
        try:
            return await inner(request, secret)
        except ClicoError as error:
            return from_error(error)

    return _limited(ApiScope.READ, run)(handler)


def _limited(scope: ApiScope, run: Callable[..., Awaitable[Response]]
             ) -> Callable[[Any], Handler]:
    def decorate(handler: Any) -> Handler:
        @functools.wraps(handler)
        async def wrapper(request: Request) -> Response:
            secret = bearer(request)
            limiter = limiter_of(request)
            key = ("token:" + hashlib.sha256(secret.encode()).hexdigest() if secret
                   else "client:" + client_address(request))
            allowed, headers = limiter.take(key)
            if not allowed:
                response = problem(429, "too_many_attempts", "Too many requests.",
                                   headers=headers)
                return response
            if secret is None:
                response = unauthenticated()
            else:
                response = await run(handler, request, secret, scope)
            response.headers.update(headers)
            return response

        wrapper.api_scope = scope  # type: ignore[attr-defined]  # read by the route table
        return wrapper

    return decorate


async def _run(handler: ApiHandler, request: Request, secret: str,
               scope: ApiScope) -> Response:
    portal = portal_of(request)
    try:
        viewer = await portal.call(portal.services.authenticate_api_token, secret,
                                   client_address(request))
        if viewer is None:
            return unauthenticated()
        require_api_scope(viewer, scope)
        return await handler(request, viewer)
    except ClicoError as error:
        return from_error(error)
