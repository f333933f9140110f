"""``Baza Wiedzy`` files and unpublishing in the core (in-memory adapters): staff attach
uploads when saving an article, within one article's limits counting the files it has;
a file is downloaded by exactly whoever may read the article; removing one and
unpublishing are in the history; the blob sweep keeps what an article still uses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from clico_adapters.attachments import MemoryBlobStore
from clico_adapters.bootstrap import bootstrap
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
    NotFound,
    TooManyAttachments,
    ValidationFailed,
)
from clico_core.kb import KbArticle, KbChangeKind, KbStatus
from clico_core.services import KbTextInput, SaveKbArticle, Viewer
from clico_core.values import Language

from ..support import World

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
LIMITS = AttachmentLimits(per_file=20_000, per_article=30_000, max_files=3)


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock(START)


@pytest.fixture
def blobs(clock: SteppingClock) -> MemoryBlobStore:
    return MemoryBlobStore(clock)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def world(hasher: Argon2Hasher, clock: SteppingClock, blobs: MemoryBlobStore,
          store: MemoryStore) -> World:
    services = bootstrap(uow=MemoryUnitOfWorkFactory(store, SeededSecrets(7).new_id),
                         clock=clock, secrets=SeededSecrets(42), hasher=hasher, blobs=blobs,
                         attachment_limits=LIMITS)
    world = World(services, clock, MemoryMailQueue(store), today=date(2026, 11, 25))
    world.register("jan", contract=world.issue())
    return world


@pytest.fixture
def staff(world: World) -> Viewer:
    return world.engineer()


def _chunks(content: bytes) -> Iterator[bytes]:
    yield content


def upload(world: World, viewer: Viewer, name: str, content: bytes) -> Attachment:
    services = world.services
    return services.upload_attachment(viewer, name, _chunks(content), services.upload_budget())


def save(world: World, staff: Viewer, *files: Attachment, visibility: str = "publiczny",
         publish: bool = True, article_id: str | None = None,
         title: str = "Tunel VPN") -> KbArticle:
    return world.services.save_kb_article(staff, SaveKbArticle(
        (KbTextInput("pl", title, "<p>Treść</p>"),), visibility, "VPN", (), publish,
        article_id, tuple(f.id for f in files)))


def _download(world: World, viewer: Viewer | None, article: KbArticle,
              file: Attachment) -> bytes:
    found = world.services.kb_file_for_download(viewer, article.id, file.id)
    return b"".join(found.content)


def test_files_attached_on_saving_belong_to_the_article_and_are_in_its_history(
        world: World, staff: Viewer) -> None:
    log = upload(world, staff, "vpn.log", b"tunnel down\n")
    shot = upload(world, staff, "zrzut.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    article = save(world, staff, log, shot)
    files = world.services.kb_files(None, article.id)
    assert [(f.file_name, f.owner_id) for f in files] == [
        ("vpn.log", article.id), ("zrzut.png", article.id)]
    assert files[1].media_type == "image/png"  # sniffed, as in the conversation
    changes = world.services.kb_changes(staff, article.id)
    assert {(c.kind, c.detail, c.by_name) for c in changes} == {
        (KbChangeKind.ATTACHED, "vpn.log", staff.account.full_name),
        (KbChangeKind.ATTACHED, "zrzut.png", staff.account.full_name)}
    later = upload(world, staff, "more.txt", b"more")
    save(world, staff, later, article_id=article.id, title="Tunel IPsec")
    assert len(world.services.kb_files(staff, article.id)) == 3
    # a file belongs to the article: restoring version 1 keeps all three
    world.services.restore_kb_version(staff, article.id, 1)
    assert len(world.services.kb_files(staff, article.id)) == 3


def test_the_limits_count_the_files_an_article_has_already(world: World,
                                                           staff: Viewer) -> None:
    article = save(world, staff, upload(world, staff, "a.txt", b"a" * 15_000),
                   upload(world, staff, "b.txt", b"b" * 10_000))
    big = upload(world, staff, "c.txt", b"c" * 6_000)
    with pytest.raises(AttachmentsTooLarge):
        save(world, staff, big, article_id=article.id, title="Zmiana")
    assert world.services.kb_article(staff, article.id).text_in(Language.PL).title == \
        "Tunel VPN"  # nothing of the refused save was kept
    small = [upload(world, staff, f"{n}.txt", b"x") for n in "de"]
    with pytest.raises(TooManyAttachments):
        save(world, staff, *small, article_id=article.id)
    save(world, staff, small[0], article_id=article.id)
    assert len(world.services.kb_files(staff, article.id)) == 3


def test_only_the_staff_members_own_unlinked_uploads_can_be_attached(
        world: World, staff: Viewer) -> None:
    other = world.engineer("ola@clico.pl", "Ola", "Nowak")
    theirs = upload(world, other, "theirs.txt", b"x")
    with pytest.raises(AttachmentMissing):
        save(world, staff, theirs)
    mine = upload(world, staff, "mine.txt", b"x")
    article = save(world, staff, mine)
    with pytest.raises(AttachmentMissing):  # linked already
        save(world, staff, mine, article_id=article.id)


@pytest.mark.parametrize(("visibility", "publish", "anonymous", "customer"), [
    ("publiczny", True, True, True),
    ("klienci", True, False, True),
    ("wewnętrzny", True, False, False),
    ("publiczny", False, False, False),
    ("klienci", False, False, False),
    ("wewnętrzny", False, False, False),
])
def test_a_file_is_downloaded_by_exactly_who_may_read_the_article(
        world: World, staff: Viewer, visibility: str, publish: bool, anonymous: bool,
        customer: bool) -> None:
    file = upload(world, staff, "config.txt", b"set vpn")
    article = save(world, staff, file, visibility=visibility, publish=publish)
    jan = world.viewer("jan")
    assert _download(world, staff, article, file) == b"set vpn"
    for viewer, allowed in ((None, anonymous), (jan, customer)):
        if allowed:
            assert _download(world, viewer, article, file) == b"set vpn"
            assert world.services.kb_files(viewer, article.id) == [
                world.services.kb_files(staff, article.id)[0]]
        else:
            with pytest.raises(NotFound):
                _download(world, viewer, article, file)
            with pytest.raises(NotFound):
                world.services.kb_files(viewer, article.id)


def test_a_file_is_found_only_under_its_own_article(world: World, staff: Viewer) -> None:
    file = upload(world, staff, "config.txt", b"set vpn")
    internal = save(world, staff, file, visibility="wewnętrzny")
    public = save(world, staff, title="Inny")
    loose = upload(world, staff, "loose.txt", b"x")
    for article_id, file_id in ((public.id, file.id), (public.id, loose.id),
                                (public.id, "nope"), (public.id, "../../etc"),
                                ("nope", file.id)):
        with pytest.raises(NotFound):
            world.services.kb_file_for_download(None, article_id, file_id)
        with pytest.raises(NotFound):
            world.services.kb_file_for_download(staff, article_id, file_id)
    # nor through the conversation's download (its rule knows ticket articles only)
    with pytest.raises(NotFound):
        world.services.attachment_for_download(world.viewer("jan"), file.id)
    assert internal.id != public.id


def test_staff_remove_a_file_and_the_history_says_so(world: World, staff: Viewer) -> None:
    file = upload(world, staff, "old.txt", b"old")
    article = save(world, staff, file)
    with pytest.raises(NotFound):  # customers remove nothing
        world.services.remove_kb_file(world.viewer("jan"), article.id, file.id)
    other = save(world, staff, title="Inny")
    with pytest.raises(NotFound):
        world.services.remove_kb_file(staff, other.id, file.id)
    world.services.remove_kb_file(staff, article.id, file.id)
    assert world.services.kb_files(None, article.id) == []
    with pytest.raises(NotFound):
        _download(world, staff, article, file)
    with pytest.raises(NotFound):
        world.services.remove_kb_file(staff, article.id, file.id)
    latest = world.services.kb_changes(staff, article.id)[0]
    assert (latest.kind, latest.detail) == (KbChangeKind.DETACHED, "old.txt")


def test_the_sweep_keeps_an_articles_blobs_and_removes_them_once_removed(
        world: World, staff: Viewer, blobs: MemoryBlobStore, clock: SteppingClock) -> None:
    kept = upload(world, staff, "kept.txt", b"kept bytes")
    removed = upload(world, staff, "removed.txt", b"removed bytes")
    article = save(world, staff, kept, removed, visibility="wewnętrzny", publish=False)
    clock.advance(timedelta(days=3))
    report = world.services.sweep_orphan_blobs()
    assert (report.attachments, report.blobs) == (0, 0)
    assert blobs.exists(kept.digest) and blobs.exists(removed.digest)
    world.services.remove_kb_file(staff, article.id, removed.id)
    report = world.services.sweep_orphan_blobs()
    assert report.blobs == 1
    assert blobs.exists(kept.digest) and not blobs.exists(removed.digest)
    assert _download(world, staff, article, kept) == b"kept bytes"


def test_unpublishing_makes_a_draft_hidden_from_readers_and_search(
        world: World, staff: Viewer, clock: SteppingClock) -> None:
    article = save(world, staff, title="Tunel VPN zrywa się")
    jan = world.viewer("jan")
    assert world.services.search_kb(None, "zrywa", Language.PL).hits
    clock.advance(timedelta(minutes=5))
    draft = world.services.unpublish_kb_article(staff, article.id)
    assert draft.status is KbStatus.DRAFT and draft.version == 1
    for viewer in (None, jan):
        with pytest.raises(NotFound):
            world.services.kb_article(viewer, article.id)
        assert not world.services.search_kb(viewer, "zrywa", Language.PL).hits
        assert world.services.kb_listing(viewer, Language.PL) == []
    assert world.services.kb_article(staff, article.id).status is KbStatus.DRAFT
    assert not world.services.suggest_kb(jan, "tunel zrywa", None, Language.PL)
    [change] = world.services.kb_changes(staff, article.id)
    assert (change.kind, change.by, change.at) == (
        KbChangeKind.UNPUBLISHED, staff.account.id, START + timedelta(minutes=5))
    with pytest.raises(ValidationFailed) as refused:  # a draft is not unpublished again
        world.services.unpublish_kb_article(staff, article.id)
    assert refused.value.fields == {"status": "draft"}
    again = save(world, staff, article_id=article.id, title="Tunel VPN zrywa się")
    assert again.status is KbStatus.PUBLISHED and again.version == 2
    assert world.services.kb_article(None, article.id).version == 2
    assert [v.number for v in world.services.kb_history(staff, article.id)] == [2, 1]


def test_only_staff_unpublish(world: World, staff: Viewer) -> None:
    article = save(world, staff)
    with pytest.raises(NotFound):
        world.services.unpublish_kb_article(world.viewer("jan"), article.id)
    with pytest.raises(NotFound):
        world.services.unpublish_kb_article(staff, "nope")
    with pytest.raises(NotFound):
        world.services.kb_changes(world.viewer("jan"), article.id)
    assert world.services.kb_article(None, article.id).published
