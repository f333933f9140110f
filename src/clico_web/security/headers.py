"""Security headers on every response (docs/security.md, "Every request")."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# docs/security.md's policy, plus images inlined as data: URLs (a pasted screenshot). No
# other origin: an image from elsewhere in a ticket would tell its owner who read the ticket
# and when (the sanitiser turns such images into links, clico_adapters.html).
CSP = ("default-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
       "img-src 'self' data:; form-action 'self'")
STATIC_PREFIX = "/static/"
STATIC_CACHE = "public, max-age=3600"


def is_static(path: str) -> bool:
    """Whether ``path`` is under the static files: public, cacheable, and never a cookie."""
    return path.startswith(STATIC_PREFIX)


def security_headers(*, https: bool) -> dict[str, str]:
    """The headers every dynamic response carries."""
    headers = {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        # Reset and confirmation links carry secrets in the path: never send them to another
        # site. (Not "no-referrer": with it browsers send ``Origin: null`` on our own form
        # posts, which the CSRF origin check must refuse.)
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cache-Control": "no-store",
    }
    if https:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


class SecurityHeadersMiddleware:
    """Adds ``security_headers`` to every response. A static file may be cached for an hour,
    by shared caches too; an error answered for a static path may not (it is a rendered page).

    A response that set a sandboxing CSP of its own (an attachment download) keeps it and
    its own ``Cache-Control``: stricter than the portal's, never looser.
    """

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = is_static(scope["path"])
        wanted = security_headers(https=self.https)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                own = headers.get("content-security-policy", "").startswith("sandbox")
                for name, value in wanted.items():
                    if own and name in ("Content-Security-Policy", "Cache-Control"):
                        continue
                    headers[name] = value
                if static and message["status"] < 400:
                    headers["Cache-Control"] = STATIC_CACHE
            await send(message)

        await self.app(scope, receive, send_with_headers)
