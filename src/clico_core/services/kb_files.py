"""Files of ``Baza Wiedzy`` articles, through the conversation's attachments: the same
uploads (limits, type checks), the same blob store and download headers.

A file belongs to the article, not to a version: it is an ``Attachment`` whose owner is
the article's id, listed on the article's page, and its arrival and removal are entries
of the history (``KbChange``). Restoring an old version leaves the files as they are.
Who may download one is exactly who may read the article (``kb.policy``): a draft's or
an internal article's files are not found for customers and anonymous readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..attachments import Attachment, AttachmentId
from ..errors import AttachmentsTooLarge, NotFound, TooManyAttachments
from ..kb import KbArticle, KbChange, KbChangeKind
from ..ports import UnitOfWork
from ..roles import require_staff
from ..values import lookup_text
from .attachments import AttachmentDownload, _blobs, link_attachments
from .context import Ports, Viewer
from .kb_access import readable_article


def _wanted(raw: str) -> str:
    wanted = lookup_text(raw, 64)
    if wanted is None or not wanted.isascii() or not wanted.replace("-", "").isalnum():
        raise NotFound("attachment")
    return wanted


def attach_kb_files(uow: UnitOfWork, article: KbArticle, attachment_ids: Sequence[AttachmentId],
                    viewer: Viewer, ports: Ports, now: datetime) -> list[Attachment]:
    """Inside the unit of work that saves ``article``: make ``viewer``'s uploads its files,
    within one article's limits counting the files it has already, and note each in the
    history. Raises (the caller's unit of work rolls back) as ``link_attachments`` does."""
    wanted = list(dict.fromkeys(attachment_ids))
    if not wanted:
        return []
    limits = ports.attachment_limits
    present = uow.attachments.list_for([article.id])
    if len(present) + len(wanted) > limits.max_files:
        raise TooManyAttachments(limits.max_files)
    linked = link_attachments(uow, wanted, article.id, viewer.account.id, limits)
    if sum(a.size for a in present + linked) > limits.per_article:
        raise AttachmentsTooLarge(linked[-1].file_name, limits.per_article)
    for attachment in linked:
        uow.kb.add_change(KbChange(article.id, KbChangeKind.ATTACHED, viewer.account.id,
                                   viewer.account.full_name, now, attachment.file_name))
    return linked


def kb_files(viewer: Viewer | None, article_id: str, ports: Ports) -> list[Attachment]:
    """The files of an article the reader may read, oldest first; ``NotFound`` otherwise."""
    with ports.uow(readonly=True) as uow:
        article = readable_article(uow, viewer, article_id)
        return uow.attachments.list_for([article.id])


def kb_file_for_download(viewer: Viewer | None, article_id: str, attachment_id: str,
                         ports: Ports) -> AttachmentDownload:
    """A file of the article and its bytes, if the reader may read the article and the
    file is the article's; ``NotFound`` otherwise (the same answer for every reason)."""
    wanted = _wanted(attachment_id)
    with ports.uow(readonly=True) as uow:
        article = readable_article(uow, viewer, article_id)
        attachment = uow.attachments.get(wanted)
    if attachment is None or attachment.owner_id != article.id:
        raise NotFound("attachment")
    return AttachmentDownload(attachment, _blobs(ports).open(attachment.digest))


def remove_kb_file(viewer: Viewer, article_id: str, attachment_id: str,
                   ports: Ports) -> Attachment:
    """Staff take a file off an article (the history says who and when). Its bytes stay
    until the blob sweep finds nothing referring to them."""
    require_staff(viewer.account)
    wanted = _wanted(attachment_id)
    with ports.uow() as uow:
        article = readable_article(uow, viewer, article_id)
        attachment = uow.attachments.get(wanted)
        if attachment is None or attachment.owner_id != article.id \
                or not uow.attachments.delete_owned(attachment.id, article.id):
            raise NotFound("attachment")
        uow.kb.add_change(KbChange(article.id, KbChangeKind.DETACHED, viewer.account.id,
                                   viewer.account.full_name, ports.clock.now(),
                                   attachment.file_name))
        uow.commit()
    return attachment
