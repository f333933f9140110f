"""Small helpers of the API's handlers: JSON in and out, ETags, the idempotency key."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response

from clico_core.errors import ValidationFailed

from .models import read_body, to_json

T = TypeVar("T")
MAX_JSON = 1_000_000  # bytes of a JSON request body
MAX_KEY = 200  # characters of an Idempotency-Key


def json_response(value: object, status: int = 200,
                  headers: Mapping[str, str] | None = None) -> Response:
    return Response(json.dumps(to_json(value), ensure_ascii=False), status_code=status,
                    media_type="application/json", headers=dict(headers or {}))


async def json_body(request: Request, cls: type[T]) -> T:
    """The request's JSON body as ``cls``; ``ValidationFailed`` for anything else."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise ValidationFailed({"body": "json_required"})
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_JSON:
            raise ValidationFailed({"body": "too_long"})
    try:
        data = json.loads(raw)
    except ValueError:
        raise ValidationFailed({"body": "invalid"}) from None
    return read_body(data, cls)


def etag(version: int) -> str:
    return f'"v{version}"'


def if_match(request: Request) -> int | None:
    """The version an ``If-Match`` header names (None: no header; ``*`` matches any)."""
    header = request.headers.get("if-match")
    if header is None or header.strip() == "*":
        return None
    tag = header.strip().removeprefix("W/").strip('"')
    if not tag.startswith("v") or not tag[1:].isdigit() or len(tag) > 12:
        raise ValidationFailed({"If-Match": "invalid"})
    return int(tag[1:])


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise ValidationFailed({"Idempotency-Key": "invalid"})
    return key
