"""Database errors under /api as problem details: an outage is a 503 with ``Retry-After``
(``database_unavailable``, ``database_cannot_write``), anything else a 500; never the
portal's HTML error page, never a traceback."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response

from clico_adapters.compose import Outage, outage_of

from ..log_redaction import redact_path
from ..outages import OUTAGE_MESSAGES, RETRY_AFTER_SECONDS
from .problems import problem

log = logging.getLogger("clico_web")


def outage_problem(outage: Outage, headers: dict[str, str] | None = None) -> Response:
    return problem(503, f"database_{outage.value}", OUTAGE_MESSAGES[outage],
                   headers={**(headers or {}), "Retry-After": str(RETRY_AFTER_SECONDS)})


async def database_problem(request: Request, exc: Exception) -> Response:
    outage = outage_of(exc)
    where = f"{request.method} {redact_path(request.url.path)}"
    if outage is not None:
        log.warning("database %s on %s", outage.value, where)
        return outage_problem(outage)
    log.error("unhandled database error on %s: %s", where, type(exc).__name__)
    return problem(500, "server_error", "The request could not be completed.")
