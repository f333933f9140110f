"""The blob store conformance suite on the filesystem store and the in-memory one."""

from __future__ import annotations

from pathlib import Path

import pytest

from clico_adapters.attachments import FilesystemBlobStore, MemoryBlobStore
from clico_adapters.memory import SystemClock
from clico_core.testing.conformance import BlobStoreConformance


class TestFilesystemBlobStore(BlobStoreConformance):
    @pytest.fixture
    def blob_store(self, tmp_path: Path) -> FilesystemBlobStore:
        return FilesystemBlobStore(tmp_path / "blobs")


class TestMemoryBlobStore(BlobStoreConformance):
    @pytest.fixture
    def blob_store(self) -> MemoryBlobStore:
        return MemoryBlobStore(SystemClock())
