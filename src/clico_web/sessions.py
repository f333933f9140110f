"""The session cookie: it holds only the random token the core returned at sign-in.

Everything else (user, level, timeouts, revocation) lives on the server; ``authenticate``
answers None for an unknown, ended or timed-out session.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from clico_core.roles import require_admin, require_staff
from clico_core.services import Viewer

from .portal import portal_of
from .security.csrf import session_cookie_name, valid_cookie_value
from .settings import Settings

Handler = Callable[[Request], Awaitable[Response]]


def session_token(request: Request) -> str | None:
    settings = portal_of(request).settings
    return valid_cookie_value(request.cookies.get(session_cookie_name(settings)))


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    # No Max-Age: a browser-session cookie; idle and absolute timeouts are enforced server-side.
    response.set_cookie(session_cookie_name(settings), token, path="/", httponly=True,
                        samesite="lax", secure=settings.https)


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(session_cookie_name(settings), path="/", httponly=True,
                           samesite="lax", secure=settings.https)


async def current_viewer(request: Request) -> Viewer | None:
    """The signed-in viewer of this request (looked up once per request)."""
    if hasattr(request.state, "viewer"):  # looked up already (None: nobody signed in)
        cached: Viewer | None = request.state.viewer
        return cached
    token = session_token(request)
    portal = portal_of(request)
    viewer = await portal.call(portal.services.authenticate, token) if token else None
    request.state.viewer = viewer
    return viewer


def to_sign_in() -> Response:
    """Where a visitor without a full session goes. The cookie is left alone: it may belong
    to a sign-in still waiting for its code."""
    return RedirectResponse("/signin", status_code=303)


def signed_in(handler: Handler) -> Handler:
    """Let the handler run only for a fully signed-in viewer; else go to the sign-in page."""

    @functools.wraps(handler)
    async def wrapper(request: Request) -> Response:
        viewer = await current_viewer(request)
        if viewer is None:
            return to_sign_in()
        return await handler(request)

    return wrapper


def viewer_of(request: Request) -> Viewer:
    """The viewer inside a ``@signed_in`` handler."""
    viewer: Viewer = request.state.viewer
    return viewer


def staff_only(handler: Handler) -> Handler:
    """``signed_in``, then ``require_staff`` before anything of the request is read: a
    customer gets the 404 of a page that does not exist (docs/security.md, "Roles")."""

    @functools.wraps(handler)
    async def wrapper(request: Request) -> Response:
        require_staff(viewer_of(request).account)
        return await handler(request)

    return signed_in(wrapper)


def admin_only(handler: Handler) -> Handler:
    """``signed_in``, then ``require_admin`` first: a 404 for customers, a 403 for engineers."""

    @functools.wraps(handler)
    async def wrapper(request: Request) -> Response:
        require_admin(viewer_of(request).account)
        return await handler(request)

    return signed_in(wrapper)
