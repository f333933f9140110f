"""The JSON API at ``/api/v1``: a Starlette app mounted in the portal's own app, with thin
handlers over the ``Services`` facade (docs/api.md)."""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from clico_adapters.compose import DATABASE_ERRORS

from .access import RateLimiter
from .openapi import openapi_document
from .operations import OPERATIONS
from .outage import database_problem
from .problems import problem

API_PREFIX = "/api/"
TITLES = {404: "No such resource.", 405: "Method not allowed.", 400: "Bad request."}


async def http_problem(request: Request, exc: Exception) -> Response:
    """An HTTP error under /api as problem details: also for paths the mount itself cannot
    match (a newline in the path), which the portal's handler hands over."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    status = status if status >= 400 else 400
    code = {404: "not_found", 405: "method_not_allowed"}.get(status, "error")
    return problem(status, code, TITLES.get(status, "The request could not be completed."))


def api_app(limiter: RateLimiter | None = None) -> Starlette:
    document = json.dumps(openapi_document())

    async def spec(request: Request) -> Response:
        return Response(document, media_type="application/json")

    routes = [Route(op.path, op.handler, methods=[op.method], name=f"api_{op.name}")
              for op in OPERATIONS]
    routes.append(Route("/openapi.json", spec, methods=["GET"], name="api_openapi"))
    handlers: dict[Any, Any] = {HTTPException: http_problem}
    # handled here: the mount's own error middleware would answer them in plain text
    handlers.update(dict.fromkeys(DATABASE_ERRORS, database_problem))
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.api_limiter = limiter or RateLimiter()
    return app


def api_mount(limiter: RateLimiter | None = None) -> Mount:
    return Mount("/api/v1", app=api_app(limiter), name="api")
