"""Form parsing at the boundary: cattrs with extra keys forbidden, sizes limited.

A form that does not fit its class (missing, repeated, unknown or oversized fields, files)
is a 400; the core still validates every value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import attrs
import cattrs
from starlette.exceptions import HTTPException
from starlette.requests import Request

from .security.csrf import CSRF_FIELD

T = TypeVar("T")

MAX_FIELDS = 60
MAX_FIELD_CHARS = 10_000

_converter = cattrs.Converter(forbid_extra_keys=True)


def limited(max_length: int) -> Any:
    """An attrs field of at most ``max_length`` characters (longer: the form is a 400)."""
    return attrs.field(metadata={"max_length": max_length})


def _limits(cls: type) -> dict[str, int]:
    return {f.name: f.metadata.get("max_length", MAX_FIELD_CHARS) for f in attrs.fields(cls)}


class BadForm(HTTPException):
    def __init__(self) -> None:
        super().__init__(400, "bad form")


async def read_form(request: Request, cls: type[T]) -> T:
    """The request's form as ``cls`` (an attrs class of ``str`` fields)."""
    try:
        form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    except Exception as error:  # multipart errors: too many fields, files, bad encoding
        raise BadForm() from error
    return fields_as(form.multi_items(), cls)


def fields_as(pairs: Iterable[tuple[str, object]], cls: type[T]) -> T:
    """Form fields already read (an upload form's text fields) as ``cls``, by the rules of
    ``read_form``: the CSRF token skipped, anything else that does not fit is ``BadForm``."""
    data: dict[str, str] = {}
    limits = _limits(cls)
    for key, value in pairs:
        if key == CSRF_FIELD:
            continue
        if (not isinstance(value, str) or key in data
                or len(value) > limits.get(key, MAX_FIELD_CHARS)):
            raise BadForm()
        if "\x00" in value:  # no field legitimately holds NUL; PostgreSQL cannot store it
            raise BadForm()
        data[key] = value
    try:
        return _converter.structure(data, cls)
    except (cattrs.BaseValidationError, TypeError, ValueError) as error:
        raise BadForm() from error
