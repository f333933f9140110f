"""Conformance: what every ``BlobStore`` does (the filesystem store, memory, S3 of your own).

Subclass ``BlobStoreConformance`` and give a fixture ``blob_store``: a fresh, empty store
dating its blobs by the real clock.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from ...errors import NotFound
from ...ports import BlobStore

FUTURE = timedelta(days=1)


def _now() -> datetime:
    return datetime.now(UTC)


def _read(store: BlobStore, digest: str) -> bytes:
    return b"".join(store.open(digest))


def _chunks(count: int, size: int) -> Iterator[bytes]:
    for i in range(count):
        yield bytes([i % 251]) * size


class _Broken(Exception):
    pass


def _failing(after: int) -> Iterator[bytes]:
    yield from _chunks(after, 4096)
    raise _Broken("the upload was cut")


class BlobStoreConformance:
    def test_put_answers_the_sha256_and_size_and_open_gives_the_bytes_back(
            self, blob_store: BlobStore) -> None:
        content = b"".join(_chunks(40, 10_000))
        ref = blob_store.put(_chunks(40, 10_000))
        assert ref.digest == hashlib.sha256(content).hexdigest()
        assert ref.size == len(content)
        assert blob_store.exists(ref.digest)
        assert _read(blob_store, ref.digest) == content

    def test_an_empty_file_is_a_blob_too(self, blob_store: BlobStore) -> None:
        ref = blob_store.put([])
        assert (ref.digest, ref.size) == (hashlib.sha256(b"").hexdigest(), 0)
        assert _read(blob_store, ref.digest) == b""

    def test_the_same_bytes_are_stored_once(self, blob_store: BlobStore) -> None:
        first = blob_store.put([b"same ", b"bytes"])
        second = blob_store.put([b"same bytes"])
        assert first == second
        assert list(blob_store.list_older_than(_now() + FUTURE)) == [first.digest]

    def test_a_failing_stream_stores_nothing_and_leaves_nothing_behind(
            self, blob_store: BlobStore) -> None:
        with pytest.raises(_Broken):
            blob_store.put(_failing(after=50))
        assert list(blob_store.list_older_than(_now() + FUTURE)) == []
        assert blob_store.discard_incomplete(_now() + FUTURE) == 0

    def test_unknown_and_malformed_digests_are_not_found(self, blob_store: BlobStore) -> None:
        for digest in ("0" * 64, "../../etc/passwd", "", "A" * 64):
            assert not blob_store.exists(digest)
            assert not blob_store.delete(digest)
            with pytest.raises(NotFound):
                blob_store.open(digest)

    def test_delete_removes_the_blob_once(self, blob_store: BlobStore) -> None:
        ref = blob_store.put([b"to be deleted"])
        kept = blob_store.put([b"to be kept"])
        assert blob_store.delete(ref.digest)
        assert not blob_store.delete(ref.digest)
        assert not blob_store.exists(ref.digest)
        with pytest.raises(NotFound):
            blob_store.open(ref.digest)
        assert _read(blob_store, kept.digest) == b"to be kept"

    def test_list_older_than_tells_the_age(self, blob_store: BlobStore) -> None:
        before = _now() - timedelta(hours=1)
        ref = blob_store.put([b"young"])
        assert list(blob_store.list_older_than(before)) == []
        assert list(blob_store.list_older_than(_now() + FUTURE)) == [ref.digest]

    def test_delete_with_before_spares_a_younger_blob(self, blob_store: BlobStore) -> None:
        ref = blob_store.put([b"young"])
        assert not blob_store.delete(ref.digest, before=_now() - timedelta(hours=1))
        assert blob_store.exists(ref.digest)
        assert blob_store.delete(ref.digest, before=_now() + FUTURE)

    def test_storing_the_same_bytes_again_makes_the_blob_young(
            self, blob_store: BlobStore) -> None:
        ref = blob_store.put([b"popular"])
        time.sleep(0.05)  # past the coarse clock a filesystem dates files by
        between = _now()
        time.sleep(0.05)
        assert list(blob_store.list_older_than(between)) == [ref.digest]
        blob_store.put([b"popular"])
        assert list(blob_store.list_older_than(between)) == []
        assert not blob_store.delete(ref.digest, before=between)
