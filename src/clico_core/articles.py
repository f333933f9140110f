"""The conversation of a ticket: its articles, oldest first.

The opening description, public replies (by the customer's people or by staff) and internal
notes (staff only). An article never changes once posted. Who may see a note is decided
here, once: ``Article.visible_to`` and ``ArticleKind.public``; repositories filter notes out
in their queries for anyone else (docs/security.md).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta

from attrs import frozen

from .values import AccountId, ArticleId, TicketId

ARTICLE_PAGE_SIZE = 50
MAX_ARTICLE_PAGE_SIZE = 200
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ArticleKind(enum.StrEnum):
    DESCRIPTION = "description"
    PUBLIC_REPLY = "public_reply"
    INTERNAL_NOTE = "internal_note"

    @property
    def public(self) -> bool:
        """Seen by the customer's people (everything but an internal note)."""
        return self is not ArticleKind.INTERNAL_NOTE


class AuthorRole(enum.StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"  # any engineer or admin account


@frozen
class Article:
    id: ArticleId
    ticket_id: TicketId
    kind: ArticleKind
    author_id: AccountId
    author_role: AuthorRole
    author_name: str  # as it was when posted
    created_at: datetime
    body: str  # sanitised HTML
    attachment_ids: tuple[str, ...] = ()
    idempotency_key: str | None = None

    def visible_to(self, *, staff: bool) -> bool:
        """Internal notes are for staff; everything else for whoever sees the ticket."""
        return staff or self.kind.public


@frozen
class ArticleCursor:
    """Keyset position in a thread: the (created_at, id) of the last article shown."""

    created_at: datetime
    id: ArticleId

    def token(self) -> str:
        """A URL-safe text form (microseconds since the epoch, a dot, the id)."""
        micros = (self.created_at - _EPOCH) // timedelta(microseconds=1)
        return f"{micros}.{self.id}"

    @classmethod
    def parse(cls, token: str) -> ArticleCursor | None:
        """The cursor a ``token()`` stands for; None for anything else."""
        micros, _, article_id = token.partition(".")
        if not (micros.isascii() and micros.isdigit() and len(micros) <= 18):
            return None
        if not article_id or len(article_id) > 64 or not article_id.isascii() \
                or not article_id.isprintable():
            return None
        return cls(_EPOCH + timedelta(microseconds=int(micros)), article_id)


@frozen
class ArticlePage:
    articles: tuple[Article, ...]
    next_cursor: ArticleCursor | None  # None: this page ends the thread
