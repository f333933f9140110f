"""Who reads a ``Baza Wiedzy`` article, for every use case that reads one: the reader a
viewer is (``viewer`` None: anonymous), an article id as typed in an address, and the
article if that reader may read it (``kb.policy``)."""

from __future__ import annotations

from ..errors import NotFound
from ..kb import KbArticle, Reader, audience_of
from ..ports import UnitOfWork
from ..values import lookup_text
from .context import Viewer


def reader_of(viewer: Viewer | None) -> Reader:
    if viewer is None:
        return Reader.ANONYMOUS
    return Reader.STAFF if viewer.account.is_staff else Reader.CUSTOMER


def article_id_of(raw: str) -> str:
    """An article id from an address; ``NotFound`` for anything that cannot be one."""
    wanted = lookup_text(raw, 64)
    if wanted is None or not wanted.isalnum() or not wanted.isascii():
        raise NotFound()
    return wanted.lower()


def readable_article(uow: UnitOfWork, viewer: Viewer | None, raw_id: str) -> KbArticle:
    """The article if the reader may read it; ``NotFound`` otherwise (a draft or an
    internal article is not found for customers and anonymous readers)."""
    article = uow.kb.get(article_id_of(raw_id))
    if article is None or not audience_of(reader_of(viewer)).admits(article):
        raise NotFound()
    return article
