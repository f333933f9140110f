"""``/healthz``, ``/readyz`` and ``/metrics``: for load balancers, orchestrators and
Prometheus, not people.

Anonymous callers learn one word: ``ok`` or ``unavailable``. The checks' details (which
check failed, and why) and the metrics are for the bearer of ``CLICO_METRICS_TOKEN``;
without a configured token ``/metrics`` does not exist (404), and a wrong token is a 404
too, so nobody learns whether metrics are served (docs/security.md).
"""

from __future__ import annotations

import hmac

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .. import metrics
from ..portal import portal_of

NO_STORE = {"Cache-Control": "no-store"}


def has_token(request: Request) -> bool:
    """True when the request carries ``Authorization: Bearer <CLICO_METRICS_TOKEN>``."""
    token = portal_of(request).settings.metrics_token
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode())


async def healthz(request: Request) -> Response:
    """The process answers: nothing else is checked (a restart would not fix anything
    else)."""
    return PlainTextResponse("ok", headers=NO_STORE)


async def readyz(request: Request) -> Response:
    report = await run_in_threadpool(portal_of(request).readiness)
    status = 200 if report.ready else 503
    if has_token(request):
        return JSONResponse({"ready": report.ready, "checks": report.checks}, status,
                            headers=NO_STORE)
    return PlainTextResponse("ok" if report.ready else "unavailable", status,
                             headers=NO_STORE)


async def metrics_page(request: Request) -> Response:
    if not has_token(request):
        return PlainTextResponse("Not Found", 404, headers=NO_STORE)
    body = await run_in_threadpool(metrics.exposition, portal_of(request).gauges)
    return Response(body, media_type=metrics.CONTENT_TYPE, headers=NO_STORE)


routes = [
    Route("/healthz", healthz, methods=["GET", "HEAD"]),
    Route("/readyz", readyz, methods=["GET", "HEAD"]),
    Route("/metrics", metrics_page, methods=["GET"]),
]
