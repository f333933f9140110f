"""Each request's id, its one log line and its metrics (a pure-ASGI middleware).

The id is made here (16 hex characters from the CSPRNG; one sent by a client is ignored, as
anyone could send any text), put in the request context (``clico_adapters.request_context``:
the outbox stamps it on the mails the request queues) and in ``scope`` (the error pages show
it as `Kod błędu`), and sent back as ``X-Request-Id``. When the answer is complete one line
goes to the ``clico.request`` logger: method, route template, path (secrets redacted),
status, duration, SQL statements, request id.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clico_adapters.request_context import begin_request, end_request

from . import metrics
from .log_redaction import redact_path

log = logging.getLogger("clico.request")
REQUEST_ID_KEY = "clico.request_id"
ROUTE_KEY = "clico.route"
UNMATCHED = "(unmatched)"


def request_id_of(scope: Scope) -> str:
    """The id of the request (for the error pages); "" outside the middleware."""
    value: str = scope.get(REQUEST_ID_KEY, "")
    return value


def route_of(scope: Scope) -> str:
    """The route template of the request being answered (a metric label, never a raw
    path: a path may hold a number or a secret)."""
    templates: RouteTemplates | None = scope.get(ROUTE_KEY)
    return UNMATCHED if templates is None else templates.template(scope)


def new_request_id() -> str:
    return secrets.token_hex(8)


class RouteTemplates:
    """The template (``/tickets/{number}``) of the route that answered: looked up by the
    endpoint the router put in ``scope``, matched only when several routes share it."""

    def __init__(self, routes: Callable[[], list[BaseRoute]]) -> None:
        self._routes = routes
        self._by_endpoint: dict[Any, list[BaseRoute]] | None = None

    def template(self, scope: Scope) -> str:
        if self._by_endpoint is None:
            self._by_endpoint = {}
            for route in self._routes():
                key = route.app if isinstance(route, Mount) else getattr(route, "endpoint", None)
                self._by_endpoint.setdefault(key, []).append(route)
        endpoint = scope.get("endpoint") or scope.get("app")
        candidates = self._by_endpoint.get(endpoint, [])
        if len(candidates) != 1:
            candidates = [r for r in candidates if r.matches(scope)[0] is not Match.NONE]
        if not candidates:
            return UNMATCHED
        route = candidates[0]
        if isinstance(route, Mount):
            return route.path + "/{path}"
        return route.path if isinstance(route, Route) else UNMATCHED


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, templates: RouteTemplates) -> None:
        self.app = app
        self.templates = templates

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()
        scope[REQUEST_ID_KEY] = request_id
        scope[ROUTE_KEY] = self.templates
        tokens = begin_request(request_id)
        started = time.perf_counter()
        status = 500  # unless a response starts

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-Id"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            end_request(tokens)
            self._record(scope, status, time.perf_counter() - started, tokens[2].n,
                         request_id)

    def _record(self, scope: Scope, status: int, seconds: float, statements: int,
                request_id: str) -> None:
        route = self.templates.template(scope)
        method = scope["method"]
        metrics.REQUESTS.labels(method, route, str(status)).inc()
        metrics.LATENCY.labels(method, route).observe(seconds)
        metrics.STATEMENTS.labels(route).observe(statements)
        log.info("%s %s %d", method, redact_path(scope["path"]), status, extra={
            "request_id": request_id, "method": method, "route": route,
            "path": redact_path(scope["path"]), "status": status,
            "duration_ms": round(seconds * 1000, 2), "sql_statements": statements})
