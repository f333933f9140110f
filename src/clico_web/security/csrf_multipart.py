"""The CSRF token of a streamed upload, read without buffering the form.

An upload form (``multipart/form-data`` to one of the upload paths) carries the token as its
FIRST field: browsers send fields in document order, so the form template puts the hidden
``csrf_token`` input before anything else. The middleware reads the body only until that
first part ends (at most ``FIRST_PART_LIMIT`` bytes), checks it, and replays what it read;
the rest streams on to the handler untouched. A script may send the token in the
``X-CSRF-Token`` header instead (a header no other site can set on a cross-site request).
"""

from __future__ import annotations

from attrs import define, field
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.types import Message, Receive

FIRST_PART_LIMIT = 8192
MAX_TOKEN_BYTES = 256
CSRF_HEADER = "x-csrf-token"


@define
class FirstPart:
    """What the body held before and up to the end of its first part."""

    body: bytes
    more_body: bool  # the request goes on after ``body``
    name: str | None = None
    value: bytes = b""
    is_file: bool = False
    complete: bool = False


@define
class _Callbacks:
    headers: list[tuple[bytes, bytes]] = field(factory=list)
    header_name: bytes = b""
    header_value: bytes = b""
    value: bytearray = field(factory=bytearray)
    parts: int = 0
    ended: bool = False
    too_long: bool = False

    def on_part_begin(self) -> None:
        self.parts += 1

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        if self.parts == 1:
            self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        if self.parts == 1:
            self.header_value += data[start:end]

    def on_header_end(self) -> None:
        if self.parts == 1:
            self.headers.append((self.header_name.lower(), self.header_value))
            self.header_name, self.header_value = b"", b""

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.parts == 1 and not self.ended:
            self.value += data[start:end]
            self.too_long = self.too_long or len(self.value) > MAX_TOKEN_BYTES

    def on_part_end(self) -> None:
        if self.parts == 1:
            self.ended = True


def boundary_of(content_type: str) -> bytes | None:
    """The boundary of a ``multipart/form-data`` body, None for any other type."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    return boundary if kind == b"multipart/form-data" and boundary else None


async def read_first_part(receive: Receive, boundary: bytes) -> FirstPart:
    """Read the body up to the end of its first part (or ``FIRST_PART_LIMIT`` bytes)."""
    state = _Callbacks()
    parser = MultipartParser(boundary, {
        "on_part_begin": state.on_part_begin, "on_part_data": state.on_part_data,
        "on_part_end": state.on_part_end, "on_header_field": state.on_header_field,
        "on_header_value": state.on_header_value, "on_header_end": state.on_header_end,
    })
    body = bytearray()
    more = True
    broken = False
    while more and not state.ended and len(body) <= FIRST_PART_LIMIT:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            more = False
            break
        chunk = message.get("body", b"")
        more = bool(message.get("more_body", False))
        body += chunk
        try:
            parser.write(chunk)
        except FormParserError:  # after the first part: the handler's concern
            broken = not state.ended
            break
    found = FirstPart(bytes(body), more)
    if broken or not state.ended or state.too_long:
        return found
    _, options = parse_options_header(dict(state.headers).get(b"content-disposition"))
    name = options.get(b"name")
    found.name = name.decode("utf-8", "replace") if name is not None else None
    found.is_file = b"filename" in options
    found.value = bytes(state.value)
    found.complete = True
    return found
