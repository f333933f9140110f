"""Errors of the JSON API as RFC 9457 problem details (``application/problem+json``).

The ``type`` of a problem is a tag URI made from the core's stable error code
(``clico_core/errors.py``), so clients may switch on it; the status comes from the same
table the web pages use (``clico_web/errors.py``), except where an API says it better.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.responses import Response

from clico_core.errors import ClicoError

from ..errors import DEFAULT, info_for, retry_after_header
from .models import FieldProblem, Problem, to_json

PROBLEM_TYPE = "tag:clico.pl,2026:problem/{code}"
MEDIA_TYPE = "application/problem+json"
# where the API answers differently from the pages
API_STATUS = {"validation_failed": 422, "stale_ticket": 412, "not_authenticated": 401,
              "incomplete_answers": 422}


def problem_type(code: str) -> str:
    return PROBLEM_TYPE.format(code=code)


def problem(status: int, code: str, title: str, detail: str = "",
            fields: Mapping[str, str] | None = None,
            headers: Mapping[str, str] | None = None) -> Response:
    body = Problem(problem_type(code), title, status, code, detail,
                   [FieldProblem(name, why) for name, why in (fields or {}).items()])
    return Response(json.dumps(to_json(body)), status_code=status, media_type=MEDIA_TYPE,
                    headers=dict(headers or {}))


def from_error(error: ClicoError) -> Response:
    """The problem answering a core error (never any secret: codes and field names only)."""
    info = info_for(error)
    status = API_STATUS.get(error.code, info.status)
    fields = dict(getattr(error, "fields", None) or {})
    title = info.message if info is not DEFAULT else "The request could not be completed."
    if "%(" in title:  # a message with placeholders: the code says it for machines
        title = title.split("%(")[0].rstrip(" .:(") + "."
    return problem(status, error.code, title, fields=fields,
                   headers=retry_after_header(error))


def unauthenticated() -> Response:
    return problem(401, "not_authenticated",
                   "A valid API token is required (Authorization: Bearer clico_pat_…).",
                   headers={"WWW-Authenticate": 'Bearer realm="clico-api"'})
