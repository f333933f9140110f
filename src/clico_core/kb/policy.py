"""Who may read which article: decided here, once, and handed to the repositories as data.

Anonymous readers see published ``publiczny`` articles; signed-in customers published
``publiczny`` and ``klienci`` ones; staff see everything, drafts and ``wewnętrzny`` too.
Search, snippets and suggestions filter with the same ``Audience`` inside the query
(docs/security.md, "Knowledge base"), so nothing outside it is ever read back.
"""

from __future__ import annotations

import enum

from attrs import frozen

from .model import KbArticle, Visibility


class Reader(enum.StrEnum):
    ANONYMOUS = "anonymous"
    CUSTOMER = "customer"
    STAFF = "staff"


@frozen
class Audience:
    """What a reader may see: these visibilities, and drafts or not."""

    visibilities: frozenset[Visibility]
    drafts: bool

    def admits(self, article: KbArticle) -> bool:
        return article.visibility in self.visibilities and (self.drafts or article.published)


_AUDIENCES = {
    Reader.ANONYMOUS: Audience(frozenset({Visibility.PUBLIC}), drafts=False),
    Reader.CUSTOMER: Audience(frozenset({Visibility.PUBLIC, Visibility.CUSTOMERS}),
                              drafts=False),
    Reader.STAFF: Audience(frozenset(Visibility), drafts=True),
}


def audience_of(reader: Reader) -> Audience:
    return _AUDIENCES[reader]


def may_read(reader: Reader, article: KbArticle) -> bool:
    return audience_of(reader).admits(article)
