"""Blobs as files under one directory, named by their SHA-256 (the default ``BlobStore``).

``<root>/ab/cd/abcd…`` (two fan-out levels keep directories small). A blob is written to a
temporary file in ``<root>/incoming`` (same filesystem), fsynced, then renamed into place
with ``os.replace``: a reader sees a whole blob or none, and a crash leaves at most a
temporary file that ``discard_incomplete`` removes. Files are 0600 and directories 0700:
only the portal's user reads them.

While a blob streams in, each ``WRITEBACK_BYTES`` written are sent on their way to the disk
at once (``_start_writeback``), so the fsync at the end waits for the last stretch only
instead of the whole file: the disk writes while the rest of the upload is still arriving.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self

from clico_core.attachments import BlobRef
from clico_core.errors import NotFound

from ..files import refusing_writes

CHUNK = 256 * 1024
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_FAN = re.compile(r"^[0-9a-f]{2}$")
INCOMING = "incoming"
WRITEBACK_BYTES = 1024 * 1024


class FileChunks:
    """A blob's bytes in chunks from an already opened file, closed at the end or by
    ``close()`` (a download the client abandoned)."""

    def __init__(self, handle: BinaryIO, chunk_size: int = CHUNK) -> None:
        self._handle = handle
        self._chunk_size = chunk_size

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> bytes:
        if self._handle.closed:
            raise StopIteration
        chunk = self._handle.read(self._chunk_size)
        if not chunk:
            self._handle.close()
            raise StopIteration
        return chunk

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


class FilesystemBlobStore:
    """A ``clico_core.ports.BlobStore`` in a directory (``<CLICO_DATA_DIR>/blobs``)."""

    def __init__(self, root: Path, *, fsync: bool = True) -> None:
        self.root = Path(root)
        self.fsync = fsync  # tests of other things may skip the disk flush

    # --- writing ------------------------------------------------------------------------
    def put(self, chunks: Iterable[bytes]) -> BlobRef:
        try:
            return self._put(chunks)
        except OSError as error:  # a full disk or a read-only folder: the 503 of a database
            refused = refusing_writes(error)  # that cannot write, not a 500
            if refused is error:
                raise
            raise refused from error

    def _put(self, chunks: Iterable[bytes]) -> BlobRef:
        incoming = self._directory(self.root / INCOMING)
        descriptor, temporary = tempfile.mkstemp(dir=incoming, prefix="upload-")  # 0600
        hasher = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(descriptor, "wb") as handle:
                sent = 0  # the bytes before this offset are on their way to the disk
                for chunk in chunks:
                    hasher.update(chunk)
                    handle.write(chunk)
                    size += len(chunk)
                    if self.fsync and size - sent >= WRITEBACK_BYTES:
                        handle.flush()
                        _start_writeback(handle.fileno(), sent, size - sent)
                        sent = size
                handle.flush()
                if self.fsync:
                    os.fsync(handle.fileno())
            digest = hasher.hexdigest()
            target = self._path(digest)
            self._directory(target.parent)
            try:  # the same bytes are there already: keep them, and make them young again
                os.utime(target)
                os.unlink(temporary)
            except FileNotFoundError:
                os.replace(temporary, target)
                if self.fsync:
                    _fsync_directory(target.parent)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        return BlobRef(digest, size)

    # --- reading ------------------------------------------------------------------------
    def open(self, digest: str) -> Iterator[bytes]:
        try:
            handle = open(self._path(digest), "rb")  # noqa: SIM115 - FileChunks closes it
        except (FileNotFoundError, ValueError):
            raise NotFound("blob") from None
        return FileChunks(handle)

    def exists(self, digest: str) -> bool:
        try:
            return self._path(digest).is_file()
        except ValueError:
            return False

    def delete(self, digest: str, before: datetime | None = None) -> bool:
        try:
            path = self._path(digest)
            if before is not None and path.stat().st_mtime >= before.timestamp():
                return False
            path.unlink()
        except (FileNotFoundError, ValueError):
            return False
        return True

    def list_older_than(self, before: datetime) -> Iterator[str]:
        limit = before.timestamp()
        for first in _entries(self.root, _FAN):
            for second in _entries(Path(first.path), _FAN):
                for entry in _entries(Path(second.path), _DIGEST):
                    with contextlib.suppress(FileNotFoundError):
                        if entry.is_file() and entry.stat().st_mtime < limit:
                            yield entry.name

    def discard_incomplete(self, before: datetime) -> int:
        limit = before.timestamp()
        removed = 0
        for entry in _entries(self.root / INCOMING, None):
            with contextlib.suppress(FileNotFoundError):
                if entry.is_file() and entry.stat().st_mtime < limit:
                    os.unlink(entry.path)
                    removed += 1
        return removed

    # --- paths --------------------------------------------------------------------------
    def _path(self, digest: str) -> Path:
        if not _DIGEST.match(digest):  # never a path from outside: only our own names
            raise ValueError("not a SHA-256 hex digest")
        return self.root / digest[:2] / digest[2:4] / digest

    def _directory(self, path: Path) -> Path:
        if not path.is_dir():
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            for made in (path, *path.relative_to(self.root).parents):
                with contextlib.suppress(OSError):
                    os.chmod(self.root / made, 0o700)
        return path


def _entries(folder: Path, name: re.Pattern[str] | None) -> Iterator[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as listing:
            entries = [e for e in listing if name is None or name.match(e.name)]
    except FileNotFoundError:
        return
    yield from entries


def _start_writeback(descriptor: int, offset: int, length: int) -> None:
    """Start writing a range of a file to the disk without waiting for it (Linux: the
    ``POSIX_FADV_DONTNEED`` advice starts the writeback of the range's dirty pages; it drops
    only pages already written, so a blob may leave the page cache a little sooner). Only
    advice: elsewhere, or if refused, the fsync at the end writes everything."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            os.posix_fadvise(descriptor, offset, length, os.POSIX_FADV_DONTNEED)


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
