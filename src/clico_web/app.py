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

from clico_adapters.compose import (
    DATABASE_ERRORS,
    Backend,
    MailWorker,
    Outage,
    Schema,
    build,
    outage_of,
)
from clico_core.errors import ClicoError
from clico_core.services import Services

from . import i18n, log_redaction
from .api import API_PREFIX, api_mount, http_problem
from .api.outage import outage_problem
from .log_redaction import redact_path
from .metrics import DatabaseGauges, process_stopping
from .observability import ObservabilityMiddleware, RouteTemplates, request_id_of
from .outages import OUTAGE_MESSAGES, RETRY_AFTER_SECONDS
from .portal import Portal
from .read_your_writes import ReadYourWritesMiddleware
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
    return render(request, "errors/error.html", {"status": status, "message": text,
                                                  "request_id": request_id_of(request.scope)},
                  status=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith(API_PREFIX):  # never an HTML page under /api
        return await http_problem(request, exc)
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return await error_page(request, status if status >= 400 else 400)


async def _core_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ClicoError)
    shown = failure(request, exc)
    response = await error_page(request, shown.status, shown.message)
    response.headers.update(shown.headers)
    return response


async def _server_error(request: Request, exc: Exception) -> Response:
    outage = outage_of(exc)
    if outage is not None:
        return await _outage_page(request, outage)
    request_id = request_id_of(request.scope)
    log.error("unhandled error on %s %s: %s", request.method, redact_path(request.url.path),
              type(exc).__name__, extra={"request_id": request_id})
    # Starlette answers this outside the middleware stack: add the headers here.
    headers = security_headers(https=request.app.state.portal.settings.https)
    if request_id:
        headers["X-Request-Id"] = request_id
    try:
        response = await error_page(request, 500)
    except Exception:  # the error page itself failed: say nothing more
        response = Response("500", status_code=500, media_type="text/plain")
    response.headers.update(headers)
    return response


async def _database_error(request: Request, exc: Exception) -> Response:
    """Answered inside the app (not by Starlette's outermost handler, which re-raises and
    makes the server drop the connection): an outage is a 503, anything else a 500."""
    outage = outage_of(exc)
    if outage is None:
        return await _server_error(request, exc)
    return await _outage_page(request, outage)


async def _outage_page(request: Request, outage: Outage) -> Response:
    """503 with ``Retry-After``: the database is away (or cannot write); never a traceback."""
    log.warning("database %s on %s %s", outage.value, request.method,
                redact_path(request.url.path))
    headers = security_headers(https=request.app.state.portal.settings.https)
    headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if request.url.path.startswith(API_PREFIX):  # never an HTML page under /api
        return outage_problem(outage, headers)
    try:
        message = request.app.state.renderer.gettext(request, OUTAGE_MESSAGES[outage])
        response = await error_page(request, 503, message)
    except Exception:  # the page itself needed the database: plain text then
        response = Response("503 Service Unavailable", status_code=503,
                            media_type="text/plain")
    response.headers.update(headers)
    return response
def database_gauges(backend: Backend) -> DatabaseGauges:
    """The outbox and SLA gauges of /metrics over the backend's database."""
    database = backend.database

    def overdue() -> int:
        return 0 if database is None else database.operations.sla_overdue(backend.clock.now())

    return DatabaseGauges(backend.mail_queue.stats, overdue, backend.clock.now)


def create_app(settings: Settings, services: Services | None = None, *,
               services_block: bool = True) -> Starlette:
    """Build the portal. Without ``services`` the composition root builds them from
    ``settings`` (the database, the mail worker); tests pass in-memory services instead.
    ``services_block=False`` says the given services answer from memory without blocking:
    their calls then run on the event loop instead of the thread pool."""
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
            webhooks = backend.webhook_worker()  # stopped by backend.close() below
            if webhooks is not None:
                await run_in_threadpool(webhooks.start)
        app.state.portal.mail_worker = worker
        try:
            yield
        finally:
            app.state.portal.mail_worker = None
            if backend is not None:
                await run_in_threadpool(backend.close)  # stops the worker too
            process_stopping()

    templates = RouteTemplates(lambda: app.routes)
    middleware = [
        Middleware(ObservabilityMiddleware, templates=templates),
        Middleware(SecurityHeadersMiddleware, https=settings.https),
        Middleware(CsrfMiddleware, settings=settings, refuse=error_page,
                   upload_paths=UPLOAD_PATHS, exempt_prefix=API_PREFIX),
    ]
    if settings.database_replica_url:  # a session's reads follow its writes (the cookie)
        middleware.insert(1, Middleware(ReadYourWritesMiddleware, https=settings.https,
                                        sticky_seconds=settings.replica_sticky_seconds))
    api = api_mount()
    app = Starlette(
        debug=False,
        routes=[api, *routes()],
        middleware=middleware,
        exception_handlers={
            HTTPException: _http_error,
            ClicoError: _core_error,
            **dict.fromkeys(DATABASE_ERRORS, _database_error),
            Exception: _server_error,
        },
        lifespan=lifespan,
    )
    app.state.portal = Portal(settings, services, translations,
                              services_block=services_block)
    api.app.state.portal = app.state.portal  # type: ignore[attr-defined]  # the API's handlers
    if backend is not None:
        app.state.portal.readiness = backend.readiness()
        app.state.portal.gauges = database_gauges(backend)
    app.state.renderer = renderer
    app.state.devices = DeviceCookies(settings)
    return app
