"""A page with a form: one handler shows it, another acts on it, chosen by method.

A single handler that branches on ``request.method == "GET"`` runs its write for every other
method the route admits, HEAD included, and HEAD passes the CSRF check as a safe method.
Here each method names its handler: GET and HEAD reach only ``show``, only POST reaches
``submit``, anything else is a 405 (docs/security.md, "No state change without a POST").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

Handler = Callable[[Request], Awaitable[Response]]


def form_route(path: str, *, show: Handler, submit: Handler, name: str) -> Route:
    """A route whose GET (and HEAD) run ``show`` and whose POST runs ``submit``."""
    handlers: dict[str, Handler] = {"GET": show, "HEAD": show, "POST": submit}

    async def dispatch(request: Request) -> Response:
        handler = handlers.get(request.method)
        if handler is None:  # the Route refuses other methods first; never guess a handler
            raise HTTPException(405)
        return await handler(request)

    return Route(path, dispatch, methods=sorted(handlers), name=name)
