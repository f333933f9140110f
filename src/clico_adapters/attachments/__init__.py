"""Attachment storage: blobs on the filesystem or in memory, and telling a file's type."""

from .filesystem import FilesystemBlobStore
from .memory import MemoryBlobStore
from .sniffing import sniff_type

__all__ = ["FilesystemBlobStore", "MemoryBlobStore", "sniff_type"]
