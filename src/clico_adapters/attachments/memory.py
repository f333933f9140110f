"""Blobs in a dict (embedders, tests, demos): the same behaviour as the filesystem store."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime

from clico_core.attachments import BlobRef
from clico_core.errors import NotFound
from clico_core.ports import Clock

CHUNK = 64 * 1024


class MemoryBlobStore:
    """A ``clico_core.ports.BlobStore`` in memory; ``clock`` dates what is stored (given, not
    defaulted: only the composition root picks the concrete clock)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._blobs: dict[str, tuple[bytes, datetime]] = {}
        self._lock = threading.Lock()

    def put(self, chunks: Iterable[bytes]) -> BlobRef:
        hasher = hashlib.sha256()
        content = bytearray()
        for chunk in chunks:  # an error here leaves nothing behind: nothing is stored yet
            hasher.update(chunk)
            content += chunk
        digest = hasher.hexdigest()
        with self._lock:
            self._blobs[digest] = (bytes(content), self.clock.now())
        return BlobRef(digest, len(content))

    def open(self, digest: str) -> Iterator[bytes]:
        with self._lock:
            found = self._blobs.get(digest)
        if found is None:
            raise NotFound("blob")
        content = found[0]
        return iter([content[i:i + CHUNK] for i in range(0, len(content), CHUNK)])

    def exists(self, digest: str) -> bool:
        with self._lock:
            return digest in self._blobs

    def delete(self, digest: str, before: datetime | None = None) -> bool:
        with self._lock:
            found = self._blobs.get(digest)
            if found is None or (before is not None and found[1] >= before):
                return False
            del self._blobs[digest]
            return True

    def list_older_than(self, before: datetime) -> Iterator[str]:
        with self._lock:
            return iter([d for d, (_, at) in self._blobs.items() if at < before])

    def discard_incomplete(self, before: datetime) -> int:
        return 0  # an unfinished upload never got into the dict
