"""The OpenAPI 3.1 document, generated from the operation table and the attrs models the
handlers use (no copy kept by hand). A small generator rather than a library: the models
are plain attrs classes with a handful of field types, which none of the maintained
generators reads directly without a second model layer (pydantic, marshmallow)."""

from __future__ import annotations

import types
import typing
from datetime import datetime
from typing import Any

import attrs

from .models import Problem
from .operations import OPERATIONS, Operation

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# what each error status means; an operation lists the ones it answers (``statuses``)
ERRORS = {
    400: "Refused as asked: the asset of a technical ticket is not under active support.",
    401: "No valid API token (none, unknown, expired or revoked).",
    403: "The token's scope does not allow this (a read token on a write).",
    404: "No such object, or the caller may not see it.",
    409: "The ticket's state refuses it: it is closed (reply with reopen within the "
         "reopening period, else open a follow-up), it cannot move to the chosen status, "
         "or an attached file is no longer available.",
    412: "If-Match names an older version.",
    413: "Too large: the file, the reply's files together, or too many files.",
    415: "A refused file type (programs and scripts).",
    422: "The request names fields at fault (the body, a parameter or a header).",
    429: "Over the token's rate limit (Retry-After says when to come back).",
}


def schema_of(kind: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of a field type, adding any attrs class it names to ``schemas``."""
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        options = [schema_of(arg, schemas) for arg in typing.get_args(kind)
                   if arg is not type(None)]
        return {"anyOf": [*options, {"type": "null"}]}
    if origin is list:
        return {"type": "array", "items": schema_of(typing.get_args(kind)[0], schemas)}
    if origin is dict:
        return {"type": "object",
                "additionalProperties": schema_of(typing.get_args(kind)[1], schemas)}
    simple = {str: {"type": "string"}, int: {"type": "integer"}, bool: {"type": "boolean"},
              datetime: {"type": "string", "format": "date-time"}}
    if kind in simple:
        return dict(simple[kind])
    if attrs.has(kind):
        add_model(kind, schemas)
        return {"$ref": f"#/components/schemas/{kind.__name__}"}
    raise TypeError(f"no schema for {kind!r}")


def add_model(cls: type, schemas: dict[str, Any]) -> None:
    if cls.__name__ in schemas:
        return
    schemas[cls.__name__] = {}  # placeholder: a model may name itself
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required = []
    example: dict[str, Any] = {}
    for field in attrs.fields(cls):
        prop = schema_of(hints[field.name], schemas)
        if "description" in field.metadata:
            prop["description"] = field.metadata["description"]
        if "example" in field.metadata:
            prop["examples"] = [field.metadata["example"]]
            example[field.name] = field.metadata["example"]
        properties[field.name] = prop
        if field.default is attrs.NOTHING:
            required.append(field.name)
    schema: dict[str, Any] = {"type": "object", "properties": properties,
                              "required": required, "additionalProperties": False}
    if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("):
        schema["description"] = cls.__doc__.strip()
    schemas[cls.__name__] = schema


def _parameter(param: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if param.repeated:
        schema = {"type": "array", "items": schema}
    out: dict[str, Any] = {"name": param.name, "in": param.where, "required": param.required,
                           "description": param.description, "schema": schema}
    if param.example:
        out["example"] = [param.example] if param.repeated else param.example
    return out


def _operation(op: Operation, schemas: dict[str, Any]) -> dict[str, Any]:
    success: dict[str, Any] = {"description": op.summary}
    if op.response is None:
        # the file's own sniffed type (text/plain, image/png, …)
        success["content"] = {"*/*": {"schema": {"type": "string"}}}
    else:
        success["content"] = {"application/json": {"schema": schema_of(op.response, schemas)}}
    responses: dict[str, Any] = {str(op.status): success}
    for status in op.statuses:
        if status != op.status:
            responses[str(status)] = {
                "description": ERRORS[status],
                "content": {"application/problem+json": {"schema": PROBLEM_REF}}}
    out: dict[str, Any] = {
        "operationId": op.name, "summary": op.summary,
        "security": [{"token": [op.scope.value]}],
        "x-scope": op.scope.value,
        "parameters": [_parameter(p) for p in op.params], "responses": responses}
    if op.request is not None:
        out["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": schema_of(op.request, schemas)}}}
    elif op.upload:
        out["requestBody"] = {"required": True, "content": {"application/octet-stream": {
            "schema": {"type": "string", "contentMediaType": "application/octet-stream"}}}}
    return out


def openapi_document() -> dict[str, Any]:
    """The whole API as OpenAPI 3.1 (JSON-ready)."""
    schemas: dict[str, Any] = {}
    add_model(Problem, schemas)
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "CLICO Support System API", "version": "1",
                 "description": "Tickets, assets and contracts with a personal access token "
                                "(Authorization: Bearer clico_pat_…). See docs/api.md. "
                                "Besides the statuses each operation lists, any operation "
                                "may answer 503 (database_unavailable, or "
                                "database_cannot_write for a write) with Retry-After, and a "
                                "write that lost a race with another write of the same "
                                "ticket 409 concurrency_conflict: repeat the request "
                                "(with the same Idempotency-Key)."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {
            "token": {"type": "http", "scheme": "bearer",
                      "description": "A personal access token (Tokeny API)."}}},
    }
