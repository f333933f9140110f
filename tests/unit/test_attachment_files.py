"""The filesystem blob store's own promises, file names and type sniffing."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from clico_adapters.attachments import FilesystemBlobStore, sniff_type
from clico_core.attachments import (
    MAX_FILE_NAME,
    check_type,
    clean_file_name,
    media_type_for,
)
from clico_core.errors import AttachmentTypeRefused

FUTURE = datetime.now(UTC) + timedelta(days=1)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_blob_is_a_private_file_under_its_digest(tmp_path: Path) -> None:
    store = FilesystemBlobStore(tmp_path / "blobs")
    ref = store.put([b"secret log"])
    digest = hashlib.sha256(b"secret log").hexdigest()
    path = tmp_path / "blobs" / digest[:2] / digest[2:4] / digest
    assert ref.digest == digest and path.read_bytes() == b"secret log"
    assert _mode(path) == 0o600
    for folder in (tmp_path / "blobs", path.parent, path.parent.parent,
                   tmp_path / "blobs" / "incoming"):
        assert _mode(folder) == 0o700


def test_nothing_is_visible_until_the_whole_blob_is_written(tmp_path: Path) -> None:
    store = FilesystemBlobStore(tmp_path / "blobs")
    seen: list[list[str]] = []

    def chunks() -> Iterator[bytes]:
        for _ in range(5):
            yield b"x" * 65536
            seen.append(list(store.list_older_than(FUTURE)))

    ref = store.put(chunks())
    assert seen == [[]] * 5
    assert list(store.list_older_than(FUTURE)) == [ref.digest]
    assert os.listdir(tmp_path / "blobs" / "incoming") == []


def test_a_failed_write_leaves_no_file_at_all(tmp_path: Path) -> None:
    store = FilesystemBlobStore(tmp_path / "blobs")

    def chunks() -> Iterator[bytes]:
        yield b"x" * 65536
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        store.put(chunks())
    files = [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()]
    assert files == []


def test_uploads_a_crash_left_unfinished_are_discarded_when_old(tmp_path: Path) -> None:
    store = FilesystemBlobStore(tmp_path / "blobs")
    store.put([b"makes the folders"])
    incoming = tmp_path / "blobs" / "incoming"
    stale, fresh = incoming / "upload-stale", incoming / "upload-fresh"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    hour_ago = (datetime.now(UTC) - timedelta(hours=1)).timestamp()
    os.utime(stale, (hour_ago, hour_ago))
    assert store.discard_incomplete(datetime.now(UTC) - timedelta(minutes=30)) == 1
    assert sorted(os.listdir(incoming)) == ["upload-fresh"]
    assert list(store.list_older_than(FUTURE)) == [hashlib.sha256(b"makes the folders")
                                                   .hexdigest()]


def test_a_download_can_be_abandoned_and_closes_its_file(tmp_path: Path) -> None:
    store = FilesystemBlobStore(tmp_path / "blobs")
    ref = store.put([b"y" * 600_000])
    content = store.open(ref.digest)
    assert len(next(content)) > 0
    content.close()  # type: ignore[attr-defined]
    assert list(content) == []


@pytest.mark.parametrize(("raw", "clean"), [
    ("report.pdf", "report.pdf"),
    ("C:\\Users\\jan\\Desktop\\log.txt", "log.txt"),
    ("../../etc/passwd", "passwd"),
    ("evil\u202egpj.exe", "evilgpj.exe"),  # a right-to-left override would hide ".exe"
    ("tab\there\x00.txt", "tabhere.txt"),
    ('a<b>c:d"e|f?g*h.txt', "a_b_c_d_e_f_g_h.txt"),
    ("  .hidden. ", "hidden"),
    ("CON.txt", "_CON.txt"),
    ("", "attachment"), ("...", "attachment"), ("/", "attachment"),
    ("Zażółć gęślą jaźń.docx", "Zażółć gęślą jaźń.docx"),
    ("e\u0301.txt", "\u00e9.txt"),  # NFC
])
def test_file_names_are_cleaned(raw: str, clean: str) -> None:
    assert clean_file_name(raw) == clean


def test_a_long_name_keeps_its_extension() -> None:
    name = clean_file_name("a" * 500 + ".tar.gz")
    assert len(name) == MAX_FILE_NAME and name.endswith("a.gz")


@pytest.mark.parametrize(("head", "media_type"), [
    (b"\x7fELF\x02\x01\x01", "application/x-executable"),
    (b"MZ\x90\x00\x03", "application/x-msdownload"),
    (b"\xfe\xed\xfa\xce\x00", "application/x-mach-binary"),
    (b"\xcf\xfa\xed\xfe\x07", "application/x-mach-binary"),
    (b"\xca\xfe\xba\xbe\x00\x00\x00\x02", "application/x-mach-binary"),
    (b"#!/usr/bin/env python\n", "text/x-shellscript"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    (b"%PDF-1.7\n", "application/pdf"),
    (b"PK\x03\x04" + b"\x00" * 40, "application/zip"),
    (b"plain words", None), (b"", None),
])
def test_the_sniffer_tells_types_by_their_bytes(head: bytes, media_type: str | None) -> None:
    assert sniff_type(head) == media_type


def test_every_executable_the_sniffer_names_is_refused() -> None:
    for head in (b"\x7fELF", b"MZ\x90", b"\xfe\xed\xfa\xce", b"\xca\xfe\xba\xbe", b"#!/bin/sh"):
        with pytest.raises(AttachmentTypeRefused):
            check_type("innocent.pdf", sniff_type(head))


def test_what_a_download_is_served_as() -> None:
    assert media_type_for("IMAGE/PNG", b"") == "image/png"
    assert media_type_for(None, "łódź".encode() + b"\xc5") == "text/plain"  # cut character
    assert media_type_for(None, b"\xc5(" + b"a" * 10) == "application/octet-stream"
    assert media_type_for(None, b"a\x00b") == "application/octet-stream"
