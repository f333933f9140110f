"""The reader goes on with the next file while the store of the one before finishes (its
fsyncs, its row), but starts the next store only once the one before took its last chunk;
a store that fails while finishing still fails the form, with every file discarded."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from clico_web.attachments import UploadLimits, read_upload

from .upload_support import end, file_part, filler, post

MB = 1024 * 1024


class _Stores:
    """A store whose every file waits, once read, until the next file's store has begun."""

    def __init__(self, fail: str = "") -> None:
        self.log: list[str] = []
        self.discarded: list[str] = []
        self.fail = fail
        self._lock = threading.Lock()
        self._began: dict[str, threading.Event] = {}

    def _note(self, entry: str) -> None:
        with self._lock:
            self.log.append(entry)

    def store(self, field_name: str, file_name: str, chunks: Iterator[bytes]) -> str:
        self._note(f"begin {file_name}")
        self._began.setdefault(file_name, threading.Event()).set()
        size = 0
        for chunk in chunks:  # the budget's metering would be here
            size += len(chunk)
            self._note(f"chunk of {file_name}")
        following = f"{int(file_name) + 1}"
        if self._began.setdefault(following, threading.Event()).wait(timeout=0.5):
            self._note(f"{following} began while {file_name} finished")
        if file_name == self.fail:
            raise RuntimeError(f"no room for {file_name}")
        return f"{file_name}:{size}"

    def discard(self, stored: list[str]) -> None:
        self.discarded += stored


def _app(stores: _Stores) -> Starlette:
    async def upload(request: Request) -> Response:
        try:
            form = await read_upload(request, stores.store, stores.discard,
                                     UploadLimits(max_body=100 * MB))
        except RuntimeError as error:
            return PlainTextResponse(str(error), status_code=507)
        return JSONResponse(list(form.files))

    return Starlette(routes=[Route("/upload", upload, methods=["POST"])])


def _send(stores: _Stores) -> tuple[int, bytes]:
    pieces = iter([*file_part("files", "1", filler(2 * MB)),
                   *file_part("files", "2", filler(MB)),
                   *file_part("files", "3", [b"x"]), end()])
    answer = asyncio.run(post(_app(stores), "/upload", pieces))
    return answer.status, answer.body


def test_the_next_file_streams_while_the_one_before_finishes() -> None:
    stores = _Stores()
    status, body = _send(stores)
    assert status == 200, body
    assert body == b'["1:2097152","2:1048576","3:1"]'  # in the form's order
    assert "2 began while 1 finished" in stores.log
    assert "3 began while 2 finished" in stores.log
    # one store meters at a time: each began after the one before took its last chunk
    for before, after in (("1", "2"), ("2", "3")):
        last = max(i for i, e in enumerate(stores.log) if e == f"chunk of {before}")
        assert last < stores.log.index(f"begin {after}")


def test_a_store_failing_while_the_next_file_streams_fails_the_form() -> None:
    stores = _Stores(fail="1")
    status, body = _send(stores)
    assert status == 507
    assert body == b"no room for 1"
    assert "2:1048576" in stores.discarded  # stored while 1 finished: discarded with it
    assert set(stores.discarded) <= {"2:1048576", "3:1"}
