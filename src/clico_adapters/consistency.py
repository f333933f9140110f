"""Read-your-writes: the mark a session's last write leaves, and where a read finds it.

With a PostgreSQL streaming replica (``CLICO_DATABASE_REPLICA_URL``) the reads of a
session that has just written go to the primary until the replica has replayed that write
(its WAL position, the LSN) or ``CLICO_REPLICA_STICKY_SECONDS`` have passed. The mark
travels with the session, not with a process: the portal keeps it in a cookie, so the next
request finds it whichever portal process behind the proxy answers.

A request (the portal's middleware) opens its own ``Marks`` with ``marks_for_request``;
outside a request (a ``clico`` command, the mail worker) the process is the session. The
services run in worker threads, which start with a copy of the request's context and so
see (and fill) the same ``Marks``. Standard library only; the router is ``sql/replica.py``.
"""

from __future__ import annotations

import contextvars
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

from attrs import define, frozen

COOKIE = "clico_written"
_COOKIE_VALUE = re.compile(r"([0-9a-f]{1,16})\.([0-9]{1,12})")


@frozen
class WriteMark:
    """Where the primary's WAL stood after a committed write (``lsn``), and when (``at``,
    seconds since the epoch)."""

    lsn: int
    at: float

    def encode(self) -> str:
        """The cookie's value: ``<lsn hex>.<unix seconds>``."""
        return f"{self.lsn:x}.{int(self.at)}"

    @classmethod
    def decode(cls, value: str, now: float) -> WriteMark | None:
        """The mark a cookie holds; None for anything malformed. A time in the future is
        read as now: a forged cookie can only send its own reads to the primary."""
        found = _COOKIE_VALUE.fullmatch(value.strip())
        if found is None:
            return None
        return cls(int(found.group(1), 16), min(float(found.group(2)), now))


@define
class Marks:
    """The session's latest write; ``changed`` once this request (or process) wrote."""

    mark: WriteMark | None = None
    changed: bool = False

    def wrote(self, lsn: int, at: float) -> None:
        last = self.mark.lsn if self.mark is not None else 0
        self.mark = WriteMark(max(lsn, last), at)
        self.changed = True


_current: contextvars.ContextVar[Marks | None] = contextvars.ContextVar(
    "clico_write_marks", default=None)
_process = Marks()


def current_marks() -> Marks:
    """The request's marks inside ``marks_for_request``, else the process's."""
    return _current.get() or _process


@contextmanager
def marks_for_request(mark: WriteMark | None) -> Iterator[Marks]:
    """The marks of one request, starting from the mark its cookie carried."""
    marks = Marks(mark)
    token = _current.set(marks)
    try:
        yield marks
    finally:
        _current.reset(token)


def now() -> float:
    return time.time()
