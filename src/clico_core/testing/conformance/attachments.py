"""Conformance: the attachments repository (uploads, linking to an article, sweeping)."""

from __future__ import annotations

from datetime import timedelta

from ...attachments import Attachment
from ...ports import UnitOfWorkFactory
from .. import builders as b

T0 = b.T0


def _people(uow_factory: UnitOfWorkFactory, count: int = 2) -> list[str]:
    company = b.company()
    accounts = [b.account(company.id) for _ in range(count)]
    with uow_factory() as uow:
        uow.companies.add(company)
        for account in accounts:
            uow.accounts.add(account)
        uow.commit()
    return [a.id for a in accounts]


def _upload(uploaded_by: str, *, minutes: int = 0, digest: str | None = None,
            name: str = "log.txt") -> Attachment:
    return Attachment(b.new_id("at"), digest or f"{len(name):02d}".ljust(64, "a"), name, 1234,
                      "text/plain", T0 + timedelta(minutes=minutes), uploaded_by)


def _add(uow_factory: UnitOfWorkFactory, *attachments: Attachment) -> None:
    with uow_factory() as uow:
        for attachment in attachments:
            uow.attachments.add(attachment)
        uow.commit()


class AttachmentRepositoryConformance:
    def test_an_upload_reads_back_unlinked(self, uow_factory: UnitOfWorkFactory) -> None:
        [jan] = _people(uow_factory, 1)
        upload = _upload(jan, name="Zrzut ekranu – łącze.png")
        _add(uow_factory, upload)
        with uow_factory(readonly=True) as uow:
            assert uow.attachments.get(upload.id) == upload
            assert uow.attachments.get("nope") is None

    def test_link_takes_only_the_uploaders_unlinked_files(
            self, uow_factory: UnitOfWorkFactory) -> None:
        jan, ewa = _people(uow_factory)
        mine, other, theirs = _upload(jan), _upload(jan, minutes=1), _upload(ewa)
        _add(uow_factory, mine, other, theirs)
        with uow_factory() as uow:
            assert uow.attachments.link([mine.id, theirs.id, "nope"], "article-1", jan) == 1
            uow.commit()
        with uow_factory() as uow:
            assert uow.attachments.link([mine.id], "article-2", jan) == 0  # linked already
            assert uow.attachments.link([other.id, other.id], "article-2", jan) == 1
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert [a.id for a in uow.attachments.list_for(["article-1"])] == [mine.id]
            assert [a.id for a in uow.attachments.list_for(["article-1", "article-2"])] == [
                mine.id, other.id]
            found = uow.attachments.get(mine.id)
            assert found is not None and found.owner_id == "article-1"
            assert uow.attachments.get(theirs.id).owner_id is None  # type: ignore[union-attr]
            assert uow.attachments.list_for([]) == []

    def test_a_link_rolled_back_leaves_the_upload_unlinked(
            self, uow_factory: UnitOfWorkFactory) -> None:
        [jan] = _people(uow_factory, 1)
        upload = _upload(jan)
        _add(uow_factory, upload)
        with uow_factory() as uow:
            assert uow.attachments.link([upload.id], "article-1", jan) == 1
        with uow_factory(readonly=True) as uow:
            assert uow.attachments.get(upload.id).owner_id is None  # type: ignore[union-attr]

    def test_unlinked_before_lists_old_unlinked_uploads_oldest_first(
            self, uow_factory: UnitOfWorkFactory) -> None:
        [jan] = _people(uow_factory, 1)
        old, older, linked, young = (_upload(jan, minutes=10), _upload(jan, minutes=5),
                                     _upload(jan, minutes=1), _upload(jan, minutes=60))
        _add(uow_factory, old, older, linked, young)
        with uow_factory() as uow:
            uow.attachments.link([linked.id], "article-1", jan)
            uow.commit()
        cutoff = T0 + timedelta(minutes=30)
        with uow_factory(readonly=True) as uow:
            assert [a.id for a in uow.attachments.unlinked_before(cutoff, 10)] == [
                older.id, old.id]
            assert [a.id for a in uow.attachments.unlinked_before(cutoff, 1)] == [older.id]

    def test_delete_unlinked_never_deletes_a_linked_file_or_someone_elses(
            self, uow_factory: UnitOfWorkFactory) -> None:
        jan, ewa = _people(uow_factory)
        linked, loose, theirs = _upload(jan), _upload(jan), _upload(ewa)
        _add(uow_factory, linked, loose, theirs)
        with uow_factory() as uow:
            uow.attachments.link([linked.id], "article-1", jan)
            uow.commit()
        with uow_factory() as uow:
            ids = [linked.id, loose.id, theirs.id, "nope"]
            assert uow.attachments.delete_unlinked(ids, jan) == 1
            uow.commit()
        with uow_factory() as uow:
            assert uow.attachments.get(loose.id) is None
            assert uow.attachments.get(linked.id) is not None
            assert uow.attachments.delete_unlinked([linked.id, theirs.id]) == 1  # any uploader
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert uow.attachments.get(theirs.id) is None
            assert uow.attachments.get(linked.id) is not None

    def test_a_delete_rolled_back_keeps_the_upload(self, uow_factory: UnitOfWorkFactory
                                                   ) -> None:
        [jan] = _people(uow_factory, 1)
        upload = _upload(jan)
        _add(uow_factory, upload)
        with uow_factory() as uow:
            assert uow.attachments.delete_unlinked([upload.id]) == 1
        with uow_factory(readonly=True) as uow:
            assert uow.attachments.get(upload.id) == upload

    def test_referenced_tells_which_digests_are_still_in_use(
            self, uow_factory: UnitOfWorkFactory) -> None:
        [jan] = _people(uow_factory, 1)
        shared, alone = "1" * 64, "2" * 64
        first, second, third = (_upload(jan, digest=shared), _upload(jan, digest=shared),
                                _upload(jan, digest=alone))
        _add(uow_factory, first, second, third)
        with uow_factory() as uow:
            uow.attachments.delete_unlinked([first.id, third.id])
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert uow.attachments.referenced([shared, alone, "3" * 64]) == {shared}
            assert uow.attachments.referenced([]) == set()

    def test_delete_owned_takes_only_the_owners_file(self, uow_factory: UnitOfWorkFactory
                                                     ) -> None:
        [jan] = _people(uow_factory, 1)
        kept, removed, loose = _upload(jan), _upload(jan), _upload(jan)
        _add(uow_factory, kept, removed, loose)
        with uow_factory() as uow:
            uow.attachments.link([kept.id], "article-1", jan)
            uow.attachments.link([removed.id], "article-2", jan)
            uow.commit()
        with uow_factory() as uow:
            assert not uow.attachments.delete_owned(kept.id, "article-2")  # not its owner
            assert not uow.attachments.delete_owned(loose.id, "article-2")  # nobody's
            assert not uow.attachments.delete_owned("nope", "article-2")
            assert uow.attachments.delete_owned(removed.id, "article-2")
        with uow_factory(readonly=True) as uow:  # rolled back
            assert uow.attachments.get(removed.id) is not None
        with uow_factory() as uow:
            assert uow.attachments.delete_owned(removed.id, "article-2")
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert uow.attachments.get(removed.id) is None
            assert uow.attachments.list_for(["article-1"])[0].id == kept.id
            assert uow.attachments.get(loose.id) is not None
            assert uow.attachments.referenced([removed.digest]) == {removed.digest}  # shared
