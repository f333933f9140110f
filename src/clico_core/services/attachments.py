"""Attachments: receive a file while it streams, link it to an article, hand it out, sweep.

The web streams each file of a form into ``upload_attachment`` (one ``UploadBudget`` per
form, from ``upload_budget``); the use case that writes the article calls
``link_attachments`` inside its own unit of work. Files of a form that then failed are
unlinked: ``discard_uploads`` forgets them at once, ``sweep_orphan_blobs`` (the worker)
removes whatever is left after ``ORPHAN_AGE``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import timedelta

from attrs import frozen

from ..attachments import (
    Attachment,
    AttachmentId,
    AttachmentLimits,
    UploadBudget,
    check_type,
    clean_file_name,
    media_type_for,
    peek,
)
from ..errors import (
    AttachmentMissing,
    AttachmentsTooLarge,
    ConcurrencyConflict,
    NotFound,
    TooManyAttachments,
    TransientConflict,
)
from ..ports import BlobStore, UnitOfWork
from ..values import AccountId
from .context import Ports, Viewer

# Longer than any form takes to send, short enough that abandoned uploads do not pile up.
ORPHAN_AGE = timedelta(hours=24)
SWEEP_BATCH = 500
_RECORD_ATTEMPTS = 4


@frozen
class AttachmentDownload:
    """An attachment the viewer may see and its bytes, read lazily in chunks."""

    attachment: Attachment
    content: Iterator[bytes]


@frozen
class SweepReport:
    attachments: int  # unlinked rows deleted
    blobs: int  # unreferenced blobs deleted
    incomplete: int  # unfinished uploads a crash left behind


def _blobs(ports: Ports) -> BlobStore:
    if ports.blobs is None:
        raise RuntimeError("no blob store configured: pass blobs= to Ports")
    return ports.blobs


def upload_budget(ports: Ports) -> UploadBudget:
    """A fresh budget for the files of one form (one article)."""
    return UploadBudget(ports.attachment_limits)


def _keyed_id(viewer: Viewer, idempotency_key: str) -> AttachmentId:
    """The id an upload with this key gets: the same for the same account and key, so a
    repeated request finds the first upload (and two at once collide on the primary key)."""
    seed = f"{viewer.account.id}\0{idempotency_key}".encode()
    return "up-" + hashlib.sha256(seed).hexdigest()[:48]


def attachment_by_key(viewer: Viewer, idempotency_key: str, ports: Ports
                      ) -> Attachment | None:
    """The viewer's upload sent with this ``Idempotency-Key`` (None: none yet, or swept)."""
    with ports.uow(readonly=True) as uow:
        found = uow.attachments.get(_keyed_id(viewer, idempotency_key))
    return found if found is not None and found.uploaded_by == viewer.account.id else None


def upload_attachment(viewer: Viewer, file_name: str, chunks: Iterable[bytes],
                      budget: UploadBudget, ports: Ports,
                      idempotency_key: str | None = None) -> Attachment:
    """Store one file as it streams in and record it, unlinked, for ``viewer``.

    Refused before anything is written when the form has too many files or the first bytes
    or the name say executable; refused mid-stream, leaving nothing stored, as soon as the
    file or the form passes its size limit. ``chunks`` is read once, so this use case is
    never run again as a whole; only the short insert at the end is retried.
    With an ``idempotency_key``, the same key again answers with the first upload (checked
    first by ``attachment_by_key``; two at once: the loser's bytes are left to the sweep).
    """
    if idempotency_key is not None:
        first = attachment_by_key(viewer, idempotency_key, ports)
        if first is not None:
            return first
    name = clean_file_name(file_name)
    budget.admit()
    head, stream = peek(chunks)
    sniffed = ports.sniff(head)
    check_type(name, sniffed)
    ref = _blobs(ports).put(budget.metered(name, stream))
    attachment_id = (_keyed_id(viewer, idempotency_key) if idempotency_key is not None
                     else ports.secrets.new_id())
    attachment = Attachment(attachment_id, ref.digest, name, ref.size,
                            media_type_for(sniffed, head), ports.clock.now(),
                            viewer.account.id)
    for attempt in range(_RECORD_ATTEMPTS):
        try:
            with ports.uow() as uow:
                uow.attachments.add(attachment)
                uow.commit()
            break
        except TransientConflict:
            if attempt == _RECORD_ATTEMPTS - 1:
                raise  # the blob stays unreferenced: the sweep removes it
        except ConcurrencyConflict:  # the same key's other request recorded it first
            first = (attachment_by_key(viewer, idempotency_key, ports)
                     if idempotency_key is not None else None)
            if first is None:
                raise
            return first
    return attachment


def discard_uploads(viewer: Viewer, attachment_ids: Sequence[AttachmentId],
                    ports: Ports) -> int:
    """Forget files ``viewer`` uploaded for a form that failed (linked ones stay).

    The bytes stay until ``sweep_orphan_blobs``: another upload of the same content may
    be sharing them right now.
    """
    if not attachment_ids:
        return 0
    with ports.uow() as uow:
        count = uow.attachments.delete_unlinked(list(attachment_ids), viewer.account.id)
        uow.commit()
    return count


def link_attachments(uow: UnitOfWork, attachment_ids: Sequence[AttachmentId], owner_id: str,
                     uploaded_by: AccountId, limits: AttachmentLimits) -> list[Attachment]:
    """Inside the unit of work that writes the article ``owner_id``: make the uploads its
    files. Raises (and the caller's unit of work rolls the article back) when one is not
    ``uploaded_by``'s own unlinked upload any more, or the files break the limits."""
    wanted = list(dict.fromkeys(attachment_ids))
    if len(wanted) > limits.max_files:
        raise TooManyAttachments(limits.max_files)
    found: list[Attachment] = []
    for attachment_id in wanted:
        attachment = uow.attachments.get(attachment_id)
        if attachment is None or attachment.uploaded_by != uploaded_by \
                or attachment.owner_id is not None:
            raise AttachmentMissing(attachment_id)
        found.append(attachment)
    if sum(a.size for a in found) > limits.per_article:
        raise AttachmentsTooLarge(found[-1].file_name, limits.per_article)
    # conditional: a concurrent link, discard or sweep takes some rows and this fails
    if uow.attachments.link(wanted, owner_id, uploaded_by) != len(wanted):
        raise AttachmentMissing(owner_id)
    return [_owned(a, owner_id) for a in found]


def _owned(attachment: Attachment, owner_id: str) -> Attachment:
    return Attachment(attachment.id, attachment.digest, attachment.file_name, attachment.size,
                      attachment.media_type, attachment.created_at, attachment.uploaded_by,
                      owner_id)


def attachment_for_download(viewer: Viewer, attachment_id: str,
                            ports: Ports) -> AttachmentDownload:
    """The attachment and its bytes, if ``viewer`` may see it; ``NotFound`` otherwise.

    An unlinked upload is its uploader's alone; one that belongs to an article is decided
    by ``ports.attachment_visible`` (the conversation's rule: the ticket's visibility).
    """
    with ports.uow(readonly=True) as uow:
        attachment = uow.attachments.get(attachment_id)
        if attachment is None:
            raise NotFound("attachment")
        if attachment.owner_id is None:
            allowed = attachment.uploaded_by == viewer.account.id
        else:
            rule = ports.attachment_visible
            allowed = rule is not None and rule(uow, viewer, attachment)
    if not allowed:
        raise NotFound("attachment")
    return AttachmentDownload(attachment, _blobs(ports).open(attachment.digest))


def sweep_orphan_blobs(ports: Ports, older_than: timedelta = ORPHAN_AGE) -> SweepReport:
    """Delete uploads nobody linked within ``older_than``, then the blobs no attachment
    stores its bytes under any more that are as old, and unfinished uploads (the worker).
    A ``Baza Wiedzy`` article's files are attachments it owns, so their blobs are kept
    for as long as the article has them (``remove_kb_file`` deletes the row)."""
    if older_than < timedelta(0):
        raise ValueError("older_than must not be negative")
    blobs = _blobs(ports)
    before = ports.clock.now() - older_than
    rows = 0
    while True:
        with ports.uow() as uow:
            stale = uow.attachments.unlinked_before(before, SWEEP_BATCH)
            deleted = uow.attachments.delete_unlinked([a.id for a in stale])
            uow.commit()
        rows += deleted
        if len(stale) < SWEEP_BATCH:
            break
    incomplete = blobs.discard_incomplete(before)
    removed = 0
    for batch in _batches(blobs.list_older_than(before), SWEEP_BATCH):
        # Read just before deleting: a blob stored again since the listing is young again
        # and an attachment recorded since references it.
        with ports.uow(readonly=True) as uow:
            kept = uow.attachments.referenced(batch)
        removed += sum(blobs.delete(d, before=before) for d in batch if d not in kept)
    return SweepReport(rows, removed, incomplete)


def _batches(items: Iterator[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
