"""Attachments: files stored as content-addressed blobs, the limits and the type rules.

An upload becomes an ``Attachment`` with no owner; the use case that writes an article
links it (``services.attachments.link_attachments``) in the article's own transaction, so
there is never an article without its files nor, once the worker has swept, a file
without its article. See docs/security.md for the numbers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import datetime

from attrs import define, field, frozen

from .errors import (
    AttachmentsTooLarge,
    AttachmentTooLarge,
    AttachmentTypeRefused,
    TooManyAttachments,
)
from .values import AccountId

AttachmentId = str
MB = 1024 * 1024

# Executables and scripts, refused by name whatever the bytes say: a script is plain
# text to any sniffer, and Windows runs a file by its extension. Not ``.bin``: appliance
# firmware and dumps come so named, and an executable is refused by its bytes anyway.
BLOCKED_EXTENSIONS = frozenset({
    "exe", "dll", "com", "scr", "cpl", "sys", "drv", "ocx", "pif", "msi", "msp", "mst",
    "msix", "msixbundle", "appx", "appxbundle", "bat", "cmd", "ps1", "psm1", "psd1", "ps1xml",
    "vbs", "vbe", "js", "jse", "mjs", "wsf", "wsh", "wsc", "hta", "sct", "sh", "bash",
    "zsh", "csh", "ksh", "command", "app", "jar", "class", "lnk", "reg", "scf", "inf", "msc",
    "gadget", "application", "appref-ms", "vb",
})
# What the sniffer reports for executables by their bytes (PE, ELF, Mach-O, Java classes,
# scripts with a ``#!`` line, Flash): refused whatever the file is called.
BLOCKED_MEDIA_TYPES = frozenset({
    "application/x-msdownload", "application/vnd.microsoft.portable-executable",
    "application/x-dosexec", "application/x-msdos-program", "application/x-executable",
    "application/x-elf", "application/x-sharedlib", "application/x-mach-binary",
    "application/java-vm", "application/x-java-applet", "text/x-shellscript",
    "application/x-sh", "application/x-msi", "application/x-ms-installer",
    "application/x-shockwave-flash", "application/hta",
})
# Raster images a browser may show inline as thumbnails (never SVG: it can hold scripts).
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
OCTET_STREAM = "application/octet-stream"
PLAIN_TEXT = "text/plain"
SNIFF_BYTES = 8192  # the head the type is told from (filetype needs 261 bytes)
MAX_FILE_NAME = 200
_UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*]')
_WINDOWS_DEVICES = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.I)


@frozen
class AttachmentLimits:
    """How much one article may carry (docs/security.md, "Attachments")."""

    per_file: int = 20 * MB
    per_article: int = 50 * MB
    max_files: int = 20


@frozen
class BlobRef:
    """What a blob store answers for stored bytes: their SHA-256 (hex) and their length."""

    digest: str
    size: int


@frozen
class Attachment:
    """A stored file; ``owner_id`` is the article it belongs to (a reply or note of a
    ticket, or a ``Baza Wiedzy`` article: ids are unique across both), None until linked."""

    id: AttachmentId
    digest: str
    file_name: str
    size: int
    media_type: str
    created_at: datetime
    uploaded_by: AccountId
    owner_id: str | None = None

    @property
    def inline_image(self) -> bool:
        """A raster image that may be shown inline (from the portal's origin only)."""
        return self.media_type in INLINE_IMAGE_TYPES


def clean_file_name(raw: str) -> str:
    """The name to store and offer on download: the last path component, NFC, without
    control, format (bidi) or reserved characters, at most ``MAX_FILE_NAME`` characters
    keeping the extension; ``attachment`` when nothing is left."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co"))
    name = _UNSAFE_IN_NAMES.sub("_", name).strip(" .")
    if _WINDOWS_DEVICES.match(name):
        name = f"_{name}"
    if len(name) > MAX_FILE_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            name = f"{stem[:MAX_FILE_NAME - len(extension) - 1].rstrip(' .')}.{extension}"
        else:
            name = name[:MAX_FILE_NAME].rstrip(" .")
    return name or "attachment"


def extension_of(file_name: str) -> str:
    """The last extension, lower-case, without the dot ("" when there is none)."""
    stem, dot, extension = file_name.rpartition(".")
    return extension.lower() if dot and stem else ""


def check_type(file_name: str, sniffed: str | None) -> None:
    """Refuse executables and scripts, by their bytes (``sniffed``) or their name."""
    if (sniffed or "").lower() in BLOCKED_MEDIA_TYPES or \
            extension_of(file_name) in BLOCKED_EXTENSIONS:
        raise AttachmentTypeRefused(file_name)


def media_type_for(sniffed: str | None, head: bytes) -> str:
    """What a download is served as: the sniffed type, else plain text for UTF-8 without
    NUL bytes, else ``application/octet-stream``. Never the type the browser claimed."""
    if sniffed:
        return sniffed.lower()
    if b"\x00" in head:
        return OCTET_STREAM
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:  # not just a character cut at the end of the head
            return OCTET_STREAM
    return PLAIN_TEXT


def peek(chunks: Iterable[bytes], size: int = SNIFF_BYTES) -> tuple[bytes, Iterator[bytes]]:
    """The first ``size`` bytes (fewer if the stream is shorter) and the whole stream again."""
    stream = iter(chunks)
    taken: list[bytes] = []
    length = 0
    for chunk in stream:
        if chunk:
            taken.append(chunk)
            length += len(chunk)
        if length >= size:
            break
    head = b"".join(taken)

    def again() -> Iterator[bytes]:
        if head:
            yield head
        yield from stream

    return head[:size], again()


@define
class UploadBudget:
    """What is left of one article's limits while its files stream in, one after another."""

    limits: AttachmentLimits
    files: int = field(default=0, init=False)
    total: int = field(default=0, init=False)

    def admit(self) -> None:
        """Count one more file; ``TooManyAttachments`` past ``max_files``."""
        if self.files >= self.limits.max_files:
            raise TooManyAttachments(self.limits.max_files)
        self.files += 1

    def metered(self, file_name: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """Pass ``chunks`` on, raising as soon as the file or the article is too large."""
        size = 0
        for chunk in chunks:
            size += len(chunk)
            self.total += len(chunk)
            if size > self.limits.per_file:
                raise AttachmentTooLarge(file_name, self.limits.per_file)
            if self.total > self.limits.per_article:
                raise AttachmentsTooLarge(file_name, self.limits.per_article)
            yield chunk
