"""The app factory: settings + services → a Starlette app."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from clico_adapters.compose import Backend, MailWorker, Schema, build
from clico_core.errors import ClicoError
from clico_core.services import Services

from . import i18n, log_redaction
from .log_redaction import redact_path
from .portal import Portal
from .rendering import Renderer, failure, render
from .routes import UPLOAD_PATHS, routes
from .security.csrf import CsrfMiddleware
from .security.devices import DeviceCookies
from .security.headers import SecurityHeadersMiddleware, security_headers
from .settings import Mode, Settings

log = logging.getLogger("clico_web")

ERROR_TITLES = {
    400: "The request could not be completed.",
    403: "This request was refused. Reload the page and try again.",
    404: "Page not found.",
    405: "This request was refused. Reload the page and try again.",
    413: "The form is too large.",
    429: "Too many attempts. Please wait a moment and try again.",
    500: "Something went wrong on our side. Please try again later.",
}


async def error_page(request: Request, status: int, message: str = "") -> Response:
    text = message or request.app.state.renderer.gettext(
        request, ERROR_TITLES.get(status, ERROR_TITLES[400]))
    return render(request, "errors/error.html", {"status": status, "message": text},
                  status=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return await error_page(request, status if status >= 400 else 400)


async def _core_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ClicoError)
    shown = failure(request, exc)
    response = await error_page(request, shown.status, shown.message)
    response.headers.update(shown.headers)
    return response


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s: %s", request.method, redact_path(request.url.path),
              type(exc).__name__)
    # Starlette answers this outside the middleware stack: add the headers here.
    headers = security_headers(https=request.app.state.portal.settings.https)
    try:
        response = await error_page(request, 500)
    except Exception:  # the error page itself failed: say nothing more
        response = Response("500", status_code=500, media_type="text/plain")
    response.headers.update(headers)
    return response


def create_app(settings: Settings, services: Services | None = None) -> Starlette:
    """Build the portal. Without ``services`` the composition root builds them from
    ``settings`` (the database, the mail worker); tests pass in-memory services instead."""
    backend: Backend | None = None
    if services is None:
        # a throw-away demo may set its schema up; anything else is migrated explicitly
        schema = Schema.UPGRADE if settings.mode is Mode.DEMO else Schema.CHECK
        backend = build(settings, schema=schema)
        services = backend.services
    log_redaction.install()
    translations = i18n.load_all()
    renderer = Renderer(translations, auto_reload=settings.mode is Mode.DEVELOPMENT)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        worker: MailWorker | None = None
        if backend is not None and settings.start_mail_worker:
            log_redaction.show_mail_log(settings)
            worker = backend.mail_worker()
            await run_in_threadpool(worker.start)
        app.state.portal.mail_worker = worker
        try:
            yield
        finally:
            app.state.portal.mail_worker = None
            if backend is not None:
                await run_in_threadpool(backend.close)  # stops the worker too

    app = Starlette(
        debug=False,
        routes=routes(),
        middleware=[
            Middleware(SecurityHeadersMiddleware, https=settings.https),
            Middleware(CsrfMiddleware, settings=settings, refuse=error_page,
                       upload_paths=UPLOAD_PATHS),
        ],
        exception_handlers={
            HTTPException: _http_error,
            ClicoError: _core_error,
            Exception: _server_error,
        },
        lifespan=lifespan,
    )
    app.state.portal = Portal(settings, services, translations)
    app.state.renderer = renderer
    app.state.devices = DeviceCookies(settings)
    return app
