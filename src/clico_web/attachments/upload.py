"""A multipart form read as it streams, each file handed to a store function chunk by chunk.

python-multipart (which Starlette already uses) parses the body as it arrives. The data of
a file part is handed on (``ChunkHandoff``: a batch per thread wake-up, at most
``AHEAD_BYTES`` waiting) to ``store(field, file_name, chunks)`` running in a worker thread
(the use case that meters, sniffs and writes the blob), so neither the form nor a file is
ever held whole in memory: while ``AHEAD_BYTES`` wait, the request is not read any further
until the thread has taken them. Once a file's store has taken its last chunk, the next
part is read while that store finishes (the fsyncs, the row). A store that refuses (a file
too large, a blocked type) stops the reading at once; the files of the form stored before
(or still finishing) are then handed to ``discard``, and an unfinished one never becomes a
blob.

Only fields (short text) are kept in memory, within ``UploadLimits``; the whole body is
limited too (413).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

import anyio
import anyio.to_thread
from anyio.abc import TaskGroup
from attrs import define, field, frozen
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request

from clico_core.attachments import Attachment
from clico_core.services import Services, Viewer

from ..forms import BadForm
from .handoff import ChunkHandoff

T = TypeVar("T")
StoreFile = Callable[[str, str, Iterator[bytes]], T]
Discard = Callable[[list[T]], object]
MAX_FIELD_BYTES = 40_000  # one text field of an upload form, unless the form says more
# Per file: the worker thread takes the chunks waiting once BATCH_BYTES have gathered (or
# the file ended), and the reading pauses while AHEAD_BYTES wait; servers read 64 KiB
# (asyncio) or 256 KiB (uvloop) at a time. A file over its limit is refused after at most
# about twice AHEAD_BYTES more were read.
BATCH_BYTES = 256 * 1024
AHEAD_BYTES = 512 * 1024


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413, "the form is too large")


@frozen
class UploadLimits:
    """What the web takes besides the files (the core limits the files themselves)."""

    max_body: int  # the whole request: the files' limit plus room for the fields
    max_fields: int = 60
    max_field_bytes: int = MAX_FIELD_BYTES
    max_header_bytes: int = 8192  # the headers of one part


@frozen
class UploadedForm(Generic[T]):
    fields: tuple[tuple[str, str], ...]
    files: tuple[T, ...]


@define
class _FileWriter(Generic[T]):
    """One file part: the event loop hands its chunks on, a worker thread stores them."""

    store: StoreFile[T]
    field_name: str
    file_name: str
    handoff: ChunkHandoff = field(factory=lambda: ChunkHandoff(BATCH_BYTES, AHEAD_BYTES))
    result: T | None = None
    error: Exception | None = None
    done: anyio.Event = field(factory=anyio.Event)

    def _store(self) -> T:
        return self.store(self.field_name, self.file_name, self.handoff.chunks())

    async def run(self) -> None:
        try:
            self.result = await anyio.to_thread.run_sync(self._store)
        except Exception as error:  # handed to the reader, which raises it
            self.error = error
        finally:
            self.handoff.stop()  # a put still waiting answers at once
            self.done.set()

    async def write(self, data: bytes) -> None:
        if not await self.handoff.put(data):
            await self.finish()  # the store stopped early: raise why

    async def finish(self) -> T:
        self.handoff.end()
        await self.done.wait()
        if self.error is not None:
            raise self.error
        if self.result is None:
            raise RuntimeError("the store returned nothing")
        return self.result

    async def abort(self) -> None:
        self.handoff.abort()
        with anyio.CancelScope(shield=True):
            await self.done.wait()


@define
class _Part:
    headers: list[tuple[bytes, bytes]] = field(factory=list)
    header_bytes: int = 0
    name: str = ""
    file_name: str | None = None
    data: bytearray = field(factory=bytearray)


@frozen
class _Opened:
    """A file part's headers were read: its chunks follow, then ``None`` closes it."""

    field_name: str
    file_name: str


_Event = _Opened | bytes | None  # a file opens, a chunk of it, the file ends


class _Parser(Generic[T]):
    """python-multipart's callbacks: fields are kept, file events queued for the loop."""

    def __init__(self, limits: UploadLimits, fields: list[tuple[str, str]]) -> None:
        self.limits = limits
        self.part = _Part()
        self.field_name = b""
        self.field_value = b""
        self.fields = fields
        self.events: list[_Event] = []
        self.ended = False  # the closing boundary was read

    def on_end(self) -> None:
        self.ended = True

    def on_part_begin(self) -> None:
        self.part = _Part()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_bytes(end - start)
        self.field_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_bytes(end - start)
        self.field_value += data[start:end]

    def _header_bytes(self, count: int) -> None:
        self.part.header_bytes += count
        if self.part.header_bytes > self.limits.max_header_bytes:
            raise BadForm()

    def on_header_end(self) -> None:
        self.part.headers.append((self.field_name.lower(), self.field_value))
        self.field_name, self.field_value = b"", b""

    def on_headers_finished(self) -> None:
        disposition = dict(self.part.headers).get(b"content-disposition")
        kind, options = parse_options_header(disposition)
        if kind != b"form-data" or b"name" not in options:
            raise BadForm()
        self.part.name = _text(options[b"name"])
        if b"filename" in options:
            self.part.file_name = _text(options[b"filename"])
            if self.part.file_name:  # an empty name: no file was chosen
                self.events.append(_Opened(self.part.name, self.part.file_name))
        elif len(self.fields) >= self.limits.max_fields:
            raise BadForm()

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.part.file_name:
            self.events.append(data[start:end])
        elif self.part.file_name is None:
            if len(self.part.data) + end - start > self.limits.max_field_bytes:
                raise BadForm()
            self.part.data += data[start:end]

    def on_part_end(self) -> None:
        if self.part.file_name:
            self.events.append(None)
        elif self.part.file_name is None:
            self.fields.append((self.part.name, _text(bytes(self.part.data))))


def _text(raw: bytes) -> str:
    try:
        value = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadForm() from None
    if "\x00" in value:
        raise BadForm()
    return value


def _boundary(request: Request) -> bytes:
    kind, options = parse_options_header(request.headers.get("content-type"))
    boundary = options.get(b"boundary", b"")
    if kind != b"multipart/form-data" or not boundary or len(boundary) > 200:
        raise BadForm()
    return boundary


async def read_upload(request: Request, store: StoreFile[T], discard: Discard[T] | None,
                      limits: UploadLimits, typed: list[tuple[str, str]] | None = None
                      ) -> UploadedForm[T]:
    """Read a ``multipart/form-data`` request, storing its files as they stream in.

    ``store(field_name, file_name, chunks)`` runs in a worker thread and returns what the
    caller keeps (an ``Attachment``); if it raises, the reading stops, the files stored
    before are handed to ``discard`` and the error is raised here. A malformed form is
    ``BadForm`` (400), a body over ``limits.max_body`` ``BodyTooLarge`` (413). ``typed``,
    when given, receives each text field as it is read, so that a form refused part-way
    (a file too large) can still be shown again with what was typed before the files.
    """
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limits.max_body:
        raise BodyTooLarge()
    handler: _Parser[T] = _Parser(limits, typed if typed is not None else [])
    parser = MultipartParser(_boundary(request), {
        "on_part_begin": handler.on_part_begin, "on_part_data": handler.on_part_data,
        "on_part_end": handler.on_part_end, "on_header_field": handler.on_header_field,
        "on_header_value": handler.on_header_value, "on_header_end": handler.on_header_end,
        "on_headers_finished": handler.on_headers_finished, "on_end": handler.on_end,
    })
    state: _Files[T] = _Files(store)
    try:
        async with anyio.create_task_group() as tasks:
            state.tasks = tasks
            try:
                received = 0
                async for chunk in request.stream():
                    received += len(chunk)
                    if received > limits.max_body:
                        raise BodyTooLarge()
                    try:
                        parser.write(chunk)
                    except FormParserError:
                        raise BadForm() from None
                    await state.handle(handler)
                parser.finalize()
                await state.handle(handler)
                if not handler.ended or state.writer is not None:  # cut short
                    raise BadForm()
                await state.finish()
            except BaseException:
                await state.abort()
                raise
    except BaseException as error:
        if state.stored and discard is not None:
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(discard, list(state.stored))
        if isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
            raise error.exceptions[0] from None
        raise
    return UploadedForm(tuple(handler.fields), tuple(state.stored))


@define
class _Files(Generic[T]):
    """The files of one form: the one streaming now, those whose stores are finishing (the
    fsyncs, the row) while the next part is read, and those stored."""

    store: StoreFile[T]
    tasks: TaskGroup | None = None
    writer: _FileWriter[T] | None = None
    finishing: list[_FileWriter[T]] = field(factory=list)
    stored: list[T] = field(factory=list)

    async def handle(self, handler: _Parser[T]) -> None:
        """Carry out the file events of the parser's last write, in order."""
        events, handler.events = handler.events, []
        for event in events:
            if isinstance(event, _Opened) and self.tasks is not None:
                await self._previous_taken()
                self.writer = _FileWriter(self.store, event.field_name, event.file_name)
                self.tasks.start_soon(self.writer.run)
            elif isinstance(event, bytes) and self.writer is not None:
                await self.writer.write(event)
            elif event is None and self.writer is not None:
                self.writer.handoff.end()
                self.finishing.append(self.writer)
                self.writer = None

    async def _previous_taken(self) -> None:
        """Before a file's store starts: the stores before took all their chunks (the form's
        budget is metered by one store at a time), and none of them failed."""
        if self.finishing:
            await self.finishing[-1].handoff.taken()
        for writer in self.finishing:
            if writer.error is not None:
                raise writer.error

    async def finish(self) -> None:
        """Wait for the stores still finishing, in order; the first failure is raised."""
        while self.finishing:
            self.stored.append(await self.finishing[0].finish())
            self.finishing.pop(0)

    async def abort(self) -> None:
        """The form failed: stop the file streaming and wait for those finishing, whose
        files count as stored (for ``discard``) if their store succeeded."""
        if self.writer is not None:
            await self.writer.abort()
        with anyio.CancelScope(shield=True):
            for writer in self.finishing:
                await writer.done.wait()
                if writer.error is None and writer.result is not None:
                    self.stored.append(writer.result)
        self.finishing.clear()


FIELD_ALLOWANCE = 1024 * 1024  # the form's text fields and multipart framing, on top


async def receive_attachments(request: Request, services: Services, viewer: Viewer,
                              typed: list[tuple[str, str]] | None = None, *,
                              max_field_bytes: int = MAX_FIELD_BYTES
                              ) -> UploadedForm[Attachment]:
    """Read an upload form for ``viewer``: its fields, and its files stored as unlinked
    attachments within one article's limits (the core's ``UploadBudget``). On any failure
    the files already stored are discarded and the error is raised (a ``ClicoError`` the
    portal's error table translates, ``BadForm`` or ``BodyTooLarge``). The handler then
    writes the article with ``[a.id for a in form.files]``, and discards them if that fails.
    ``typed`` collects the text fields read, also when the form fails (see ``read_upload``);
    ``max_field_bytes`` is the longest text field (a long article's body).
    """
    budget = services.upload_budget()
    limits = UploadLimits(max_body=budget.limits.per_article + FIELD_ALLOWANCE,
                          max_field_bytes=max_field_bytes)

    def store(field_name: str, file_name: str, chunks: Iterator[bytes]) -> Attachment:
        return services.upload_attachment(viewer, file_name, chunks, budget)

    def discard(files: list[Attachment]) -> None:
        services.discard_uploads(viewer, [f.id for f in files])

    return await read_upload(request, store, discard, limits, typed)
