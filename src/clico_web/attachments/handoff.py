"""The chunks of one file, handed from the event loop to the worker thread that stores it.

The loop ``put``s each chunk as the parser reads it; the thread iterates ``chunks()``. The
thread is woken once a batch has gathered (``batch_bytes``, or the file's end) and takes
every chunk waiting at once, so a file costs a thread wake-up per batch, not per chunk. The
thread calls into the loop only to let it go on reading when it had to stop, and once at
the file's end (``taken``). The loop stops reading once ``ahead_bytes`` are waiting, so at
most that much plus the batch the thread holds is in memory per file. Chunks are passed on
as they came, never joined or copied.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import anyio
import anyio.from_thread
from attrs import define, field


class UploadAborted(Exception):
    """The form failed while a file was streaming: its store must not keep it."""


@define(eq=False)
class ChunkHandoff:
    batch_bytes: int  # the thread is woken when this much is waiting
    ahead_bytes: int  # the loop waits when this much is waiting (at least ``batch_bytes``)
    _lock: threading.Condition = field(init=False, factory=threading.Condition)
    _chunks: list[bytes] = field(init=False, factory=list)
    _waiting: int = field(init=False, default=0)  # bytes in ``_chunks``
    _ended: bool = field(init=False, default=False)  # the loop put the file's last chunk
    _aborted: bool = field(init=False, default=False)  # the form failed
    _stopped: bool = field(init=False, default=False)  # the thread takes no more chunks
    _room: anyio.Event | None = field(init=False, default=None)  # the loop waits on it
    _taken: anyio.Event = field(init=False, factory=anyio.Event)  # the thread took the end

    def __attrs_post_init__(self) -> None:
        if self.ahead_bytes < self.batch_bytes:
            raise ValueError("ahead_bytes must be at least batch_bytes")

    # --- in the event loop --------------------------------------------------------------
    async def put(self, chunk: bytes) -> bool:
        """Hand on ``chunk``, waiting while ``ahead_bytes`` are waiting already; False when
        the thread stopped taking chunks (its store returned or raised)."""
        with self._lock:
            if self._stopped:
                return False
            self._chunks.append(chunk)
            self._waiting += len(chunk)
            if self._waiting >= self.batch_bytes:
                self._lock.notify()
            if self._waiting < self.ahead_bytes:
                return True
            room = self._room = anyio.Event()
        await room.wait()
        with self._lock:
            return not self._stopped

    def end(self) -> None:
        """The file's last chunk was put."""
        with self._lock:
            self._ended = True
            self._lock.notify()

    def abort(self) -> None:
        """The form failed: the thread's ``chunks()`` raises ``UploadAborted``."""
        with self._lock:
            self._ended = self._aborted = True
            self._lock.notify()

    def stop(self) -> None:
        """The thread's store returned or raised: a ``put`` waiting or to come answers
        False, and what was waiting is dropped."""
        with self._lock:
            self._stopped = True
            self._chunks, self._waiting = [], 0
            room, self._room = self._room, None
        if room is not None:
            room.set()
        self._taken.set()

    async def taken(self) -> None:
        """Wait until the thread has taken the file's last chunk (after ``end``), or its
        store stopped."""
        await self._taken.wait()

    # --- in the worker thread -----------------------------------------------------------
    def chunks(self) -> Iterator[bytes]:
        """The file's chunks in order, a batch at a time (an AnyIO worker thread's)."""
        while True:
            with self._lock:
                while self._waiting < self.batch_bytes and not self._ended:
                    self._lock.wait()
                batch, self._chunks, self._waiting = self._chunks, [], 0
                room, self._room = self._room, None
                ended, aborted = self._ended, self._aborted
            if room is not None:  # the loop stopped reading for want of room: go on
                anyio.from_thread.run_sync(room.set)
            if aborted:
                raise UploadAborted()
            yield from batch
            if ended:
                anyio.from_thread.run_sync(self._taken.set)
                return
