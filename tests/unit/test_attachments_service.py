"""Attachments in the core: limits while streaming, the type blocklist, linking, download
visibility and the sweep of orphans (over in-memory adapters)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from clico_adapters import compose
from clico_adapters.attachments import MemoryBlobStore
from clico_adapters.bootstrap import bootstrap
from clico_adapters.config import Settings
from clico_adapters.memory import (
    MemoryMailQueue,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    SeededSecrets,
    SteppingClock,
)
from clico_adapters.passwords import Argon2Hasher
from clico_core.attachments import Attachment, AttachmentLimits
from clico_core.errors import (
    AttachmentMissing,
    AttachmentsTooLarge,
    AttachmentTooLarge,
    AttachmentTypeRefused,
    NotFound,
    TooManyAttachments,
)
from clico_core.ports import UnitOfWork
from clico_core.services import ORPHAN_AGE, Viewer, link_attachments

from ..support import World

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
LIMITS = AttachmentLimits(per_file=20_000, per_article=30_000, max_files=3)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 100
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100
MACH_O = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 100
SCRIPT = b"#!/bin/sh\nrm -rf ~\n"


class Visibility:
    """The conversation's rule, stood in for: a set of (viewer login, owner) pairs."""

    def __init__(self) -> None:
        self.allowed: set[tuple[str, str]] = set()

    def __call__(self, uow: UnitOfWork, viewer: Viewer, attachment: Attachment) -> bool:
        return (viewer.account.login, attachment.owner_id or "") in self.allowed


@pytest.fixture
def blobs(clock: SteppingClock) -> MemoryBlobStore:
    return MemoryBlobStore(clock)


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock(START)


@pytest.fixture
def visibility() -> Visibility:
    return Visibility()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def world(hasher: Argon2Hasher, clock: SteppingClock, blobs: MemoryBlobStore,
          visibility: Visibility, store: MemoryStore) -> World:
    services = bootstrap(uow=MemoryUnitOfWorkFactory(store, SeededSecrets(7).new_id),
                         clock=clock, secrets=SeededSecrets(42), hasher=hasher, blobs=blobs,
                         attachment_limits=LIMITS, attachment_visible=visibility)
    world = World(services, clock, MemoryMailQueue(store), today=date(2026, 11, 25))
    contract = world.issue()
    world.register("jan", contract=contract)
    world.register("ewa", contract=contract)
    return world


def pieces(content: bytes, size: int = 100) -> Iterator[bytes]:
    for start in range(0, len(content), size):
        yield content[start:start + size]


class Counted:
    """Chunks of ``total`` bytes that count how many were read."""

    def __init__(self, total: int, head: bytes = b"", chunk: int = 1000) -> None:
        self.total, self.head, self.chunk, self.read = total, head, chunk, 0

    def __iter__(self) -> Iterator[bytes]:
        content = self.head + b"x" * (self.total - len(self.head))
        for start in range(0, self.total, self.chunk):
            piece = content[start:start + self.chunk]
            self.read += len(piece)
            yield piece


def upload(world: World, viewer: Viewer, name: str, content: bytes) -> Attachment:
    services = world.services
    return services.upload_attachment(viewer, name, pieces(content), services.upload_budget())


def test_an_upload_is_stored_unlinked_with_its_sniffed_type(world: World,
                                                            blobs: MemoryBlobStore) -> None:
    jan = world.viewer("jan")
    stored = upload(world, jan, "C:\\Users\\jan\\zrzut\u202e.png", PNG)
    assert stored.file_name == "zrzut.png"
    assert stored.media_type == "image/png"
    assert (stored.size, stored.digest) == (len(PNG), hashlib.sha256(PNG).hexdigest())
    assert stored.owner_id is None and stored.uploaded_by == jan.account.id
    download = world.services.attachment_for_download(jan, stored.id)
    assert b"".join(download.content) == PNG
    assert blobs.exists(stored.digest)


def test_the_type_comes_from_the_bytes_never_from_the_name(world: World) -> None:
    jan = world.viewer("jan")
    assert upload(world, jan, "photo.exe.png", PNG).media_type == "image/png"
    assert upload(world, jan, "notes.png", "zażółć\n".encode()).media_type == "text/plain"
    assert upload(world, jan, "data.png", b"\x00\x01\x02\xff").media_type == \
        "application/octet-stream"


@pytest.mark.parametrize(("name", "content"), [
    ("invoice.pdf", ELF), ("invoice.pdf", PE), ("invoice.pdf", MACH_O),
    ("readme.txt", SCRIPT), ("readme.txt", b"\xef\xbb\xbf" + SCRIPT),
    ("setup.exe", b"harmless text"), ("run.BAT", b"echo"), ("x.cmd", b"echo"),
    ("x.ps1", b"Get-Item"), ("x.sh", b"ls"), ("x.js", b"alert(1)"), ("x.vbs", b"MsgBox"),
    ("setup.msi", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), ("report.pdf.exe", b"%PDF-1.4"),
    ("x.jar", b"PK\x03\x04"), ("x.hta", b"<html>"),
])
def test_executables_and_scripts_are_refused_before_anything_is_stored(
        world: World, blobs: MemoryBlobStore, name: str, content: bytes) -> None:
    jan = world.viewer("jan")
    with pytest.raises(AttachmentTypeRefused) as refused:
        upload(world, jan, name, content)
    assert refused.value.file_name == name
    assert list(blobs.list_older_than(START + timedelta(days=1))) == []


def test_a_file_over_the_limit_is_refused_while_it_streams(world: World,
                                                            blobs: MemoryBlobStore,
                                                            store: MemoryStore) -> None:
    jan = world.viewer("jan")
    big = Counted(LIMITS.per_file * 5)
    with pytest.raises(AttachmentTooLarge) as refused:
        world.services.upload_attachment(jan, "big.log", big, world.services.upload_budget())
    assert type(refused.value) is AttachmentTooLarge
    assert (refused.value.file_name, refused.value.limit) == ("big.log", LIMITS.per_file)
    assert big.read <= LIMITS.per_file + big.chunk  # stopped at the limit, not at the end
    assert list(blobs.list_older_than(START + timedelta(days=1))) == []
    assert store.attachments == {}


def test_a_file_of_exactly_the_limit_is_taken(world: World) -> None:
    jan = world.viewer("jan")
    stored = world.services.upload_attachment(jan, "edge.log", Counted(LIMITS.per_file),
                                              world.services.upload_budget())
    assert stored.size == LIMITS.per_file


def test_the_files_of_one_form_share_the_per_article_limit(world: World,
                                                            store: MemoryStore) -> None:
    jan, services = world.viewer("jan"), world.services
    budget = services.upload_budget()
    first = services.upload_attachment(jan, "a.log", Counted(18_000), budget)
    with pytest.raises(AttachmentsTooLarge) as refused:
        services.upload_attachment(jan, "b.log", Counted(18_000), budget)
    assert (refused.value.file_name, refused.value.limit) == ("b.log", LIMITS.per_article)
    assert list(store.attachments) == [first.id]  # the refused file left nothing
    # a new form starts a new budget
    services.upload_attachment(jan, "c.log", Counted(18_000), services.upload_budget())


def test_too_many_files_are_refused_before_reading_one_more(world: World) -> None:
    jan, services = world.viewer("jan"), world.services
    budget = services.upload_budget()
    for i in range(LIMITS.max_files):
        services.upload_attachment(jan, f"{i}.log", Counted(10), budget)
    extra = Counted(10)
    with pytest.raises(TooManyAttachments) as refused:
        services.upload_attachment(jan, "extra.log", extra, budget)
    assert refused.value.limit == LIMITS.max_files and extra.read == 0


def test_only_the_uploader_downloads_an_unlinked_file(world: World) -> None:
    jan, ewa = world.viewer("jan"), world.viewer("ewa")
    stored = upload(world, jan, "log.txt", b"hello")
    with pytest.raises(NotFound):
        world.services.attachment_for_download(ewa, stored.id)
    with pytest.raises(NotFound):
        world.services.attachment_for_download(jan, "no-such-id")


def test_a_linked_file_is_downloaded_by_whom_the_conversation_allows(
        world: World, store: MemoryStore, visibility: Visibility) -> None:
    jan, ewa = world.viewer("jan"), world.viewer("ewa")
    stored = upload(world, jan, "log.txt", b"hello")
    with MemoryUnitOfWorkFactory(store)() as uow:
        link_attachments(uow, [stored.id], "article-1", jan.account.id, LIMITS)
        uow.commit()
    for viewer in (jan, ewa):  # nobody, until the rule says so: not even the uploader
        with pytest.raises(NotFound):
            world.services.attachment_for_download(viewer, stored.id)
    visibility.allowed.add(("ewa", "article-1"))
    assert b"".join(world.services.attachment_for_download(ewa, stored.id).content) == b"hello"


def test_linking_is_all_or_nothing_with_the_article(world: World, store: MemoryStore) -> None:
    jan, ewa = world.viewer("jan"), world.viewer("ewa")
    mine = upload(world, jan, "a.txt", b"a")
    theirs = upload(world, ewa, "b.txt", b"b")
    uow_factory = MemoryUnitOfWorkFactory(store)
    with pytest.raises(AttachmentMissing), uow_factory() as uow:
        link_attachments(uow, [mine.id, theirs.id], "article-1", jan.account.id, LIMITS)
        uow.commit()
    assert store.attachments[mine.id].owner_id is None  # the article's transaction rolled back
    with uow_factory() as uow:
        linked = link_attachments(uow, [mine.id, mine.id], "article-1", jan.account.id, LIMITS)
        uow.commit()
    assert [a.owner_id for a in linked] == ["article-1"]
    with pytest.raises(AttachmentMissing), uow_factory() as uow:  # linked already
        link_attachments(uow, [mine.id], "article-2", jan.account.id, LIMITS)


def test_linking_checks_the_limits_again(world: World, store: MemoryStore) -> None:
    jan = world.viewer("jan")
    ids = [upload(world, jan, f"{i}.log", b"x" * 16_000).id for i in range(2)]
    with pytest.raises(AttachmentsTooLarge), MemoryUnitOfWorkFactory(store)() as uow:
        link_attachments(uow, ids, "article-1", jan.account.id, LIMITS)
    with pytest.raises(TooManyAttachments), MemoryUnitOfWorkFactory(store)() as uow:
        link_attachments(uow, [*ids, "a", "b"], "article-1", jan.account.id, LIMITS)


def test_discarding_forgets_only_the_viewers_unlinked_uploads(world: World,
                                                              store: MemoryStore) -> None:
    jan, ewa = world.viewer("jan"), world.viewer("ewa")
    loose, linked = upload(world, jan, "a.txt", b"a"), upload(world, jan, "b.txt", b"b")
    theirs = upload(world, ewa, "c.txt", b"c")
    with MemoryUnitOfWorkFactory(store)() as uow:
        link_attachments(uow, [linked.id], "article-1", jan.account.id, LIMITS)
        uow.commit()
    assert world.services.discard_uploads(jan, [loose.id, linked.id, theirs.id]) == 1
    assert set(store.attachments) == {linked.id, theirs.id}
    assert world.services.discard_uploads(jan, []) == 0


def test_the_sweep_removes_old_orphans_and_keeps_what_is_used_or_young(
        world: World, store: MemoryStore, blobs: MemoryBlobStore,
        clock: SteppingClock) -> None:
    jan = world.viewer("jan")
    orphan = upload(world, jan, "orphan.txt", b"nobody linked me")
    shared_linked = upload(world, jan, "kept.txt", b"shared bytes")
    shared_orphan = upload(world, jan, "copy.txt", b"shared bytes")
    assert shared_orphan.digest == shared_linked.digest  # one blob, two uploads
    discarded = upload(world, jan, "form-failed.txt", b"the form failed")
    with MemoryUnitOfWorkFactory(store)() as uow:
        link_attachments(uow, [shared_linked.id], "article-1", jan.account.id, LIMITS)
        uow.commit()
    world.services.discard_uploads(jan, [discarded.id])
    clock.advance(timedelta(hours=2))
    young = upload(world, jan, "young.txt", b"just uploaded")

    nothing = world.services.sweep_orphan_blobs(timedelta(hours=3))
    assert (nothing.attachments, nothing.blobs) == (0, 0)
    report = world.services.sweep_orphan_blobs(timedelta(hours=1))

    assert (report.attachments, report.blobs) == (2, 2)  # orphan + shared copy; 2 blobs
    assert set(store.attachments) == {shared_linked.id, young.id}
    assert not blobs.exists(orphan.digest) and not blobs.exists(discarded.digest)
    assert blobs.exists(shared_linked.digest) and blobs.exists(young.digest)


def test_an_old_blob_stored_again_just_now_survives_the_sweep(
        world: World, blobs: MemoryBlobStore, clock: SteppingClock) -> None:
    jan = world.viewer("jan")
    first = upload(world, jan, "a.txt", b"same")
    world.services.discard_uploads(jan, [first.id])
    clock.advance(timedelta(hours=5))
    blobs.put([b"same"])  # a new upload of the same bytes, its row not written yet
    world.services.sweep_orphan_blobs(timedelta(hours=1))
    assert blobs.exists(first.digest)


def test_the_sweep_refuses_a_negative_age(world: World) -> None:
    with pytest.raises(ValueError, match="negative"):
        world.services.sweep_orphan_blobs(timedelta(hours=-1))


def test_the_mail_worker_sweeps_orphans_hourly(world: World, store: MemoryStore,
                                               blobs: MemoryBlobStore, clock: SteppingClock,
                                               hasher: Argon2Hasher, tmp_path: Path) -> None:
    orphan = upload(world, world.viewer("jan"), "orphan.txt", b"nobody linked me")
    backend = compose.build(Settings(data_dir=tmp_path), uow=MemoryUnitOfWorkFactory(store),
                            mail_queue=MemoryMailQueue(store), clock=clock, hasher=hasher,
                            blobs=blobs)
    with backend:
        sweep = next(job for job in backend.mail_worker().jobs if job.name == "sweep-blobs")
        assert sweep.every == timedelta(hours=1)
        clock.advance(ORPHAN_AGE - timedelta(minutes=30))
        assert sweep.run_if_due(clock.now())  # due at once: the orphan is still young
        assert store.attachments and blobs.exists(orphan.digest)
        clock.advance(timedelta(minutes=45))  # old enough now, but the hour has not passed
        assert not sweep.run_if_due(clock.now())
        assert store.attachments
        clock.advance(timedelta(minutes=15))
        assert sweep.run_if_due(clock.now())
        assert not store.attachments and not blobs.exists(orphan.digest)
