"""The ``Services`` methods of ``Baza Wiedzy`` (a base class of the facade, kept apart so
each file stays readable); the same rules as ``facade.py``: one method per use case."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from ..attachments import Attachment
from ..errors import TransientConflict
from ..kb import KbArticle, KbChange, KbEventKind, KbHit, KbHitPage, KbListing, KbVersion
from ..kb.search import PAGE_SIZE
from ..values import Language
from . import kb_files, kb_search, knowledge_base
from .attachments import AttachmentDownload
from .context import Ports, Viewer

T = TypeVar("T")
P = ParamSpec("P")
_ATTEMPTS = 4


def _again(use_case: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    for _ in range(_ATTEMPTS - 1):
        try:
            return use_case(*args, **kwargs)
        except TransientConflict:
            continue
    return use_case(*args, **kwargs)


class KnowledgeBaseMethods:
    ports: Ports

    def save_kb_article(self, viewer: Viewer, cmd: knowledge_base.SaveKbArticle
                        ) -> KbArticle:
        return _again(knowledge_base.save_kb_article, viewer, cmd, self.ports)

    def kb_article(self, viewer: Viewer | None, article_id: str) -> KbArticle:
        return _again(knowledge_base.kb_article, viewer, article_id, self.ports)

    def kb_history(self, viewer: Viewer, article_id: str) -> list[KbVersion]:
        return _again(knowledge_base.kb_history, viewer, article_id, self.ports)

    def restore_kb_version(self, viewer: Viewer, article_id: str, number: int) -> KbArticle:
        return _again(knowledge_base.restore_kb_version, viewer, article_id, number,
                      self.ports)

    def kb_changes(self, viewer: Viewer, article_id: str) -> list[KbChange]:
        return _again(knowledge_base.kb_changes, viewer, article_id, self.ports)

    def unpublish_kb_article(self, viewer: Viewer, article_id: str) -> KbArticle:
        return _again(knowledge_base.unpublish_kb_article, viewer, article_id, self.ports)

    def kb_files(self, viewer: Viewer | None, article_id: str) -> list[Attachment]:
        return _again(kb_files.kb_files, viewer, article_id, self.ports)

    def kb_file_for_download(self, viewer: Viewer | None, article_id: str,
                             attachment_id: str) -> AttachmentDownload:
        return _again(kb_files.kb_file_for_download, viewer, article_id, attachment_id,
                      self.ports)

    def remove_kb_file(self, viewer: Viewer, article_id: str, attachment_id: str
                       ) -> Attachment:
        return _again(kb_files.remove_kb_file, viewer, article_id, attachment_id, self.ports)

    def kb_listing(self, viewer: Viewer | None, language: Language,
                   category: str | None = None, vendor: str | None = None
                   ) -> list[KbListing]:
        return _again(knowledge_base.kb_listing, viewer, language, self.ports, category,
                      vendor)

    def kb_categories(self, viewer: Viewer | None) -> list[str]:
        return _again(knowledge_base.kb_categories, viewer, self.ports)

    def draft_kb_from_ticket(self, viewer: Viewer, number: str) -> KbArticle:
        return _again(knowledge_base.draft_kb_from_ticket, viewer, number, self.ports)

    def search_kb(self, viewer: Viewer | None, typed: str, language: Language, *,
                  vendor: str | None = None, category: str | None = None,
                  after: str | None = None, limit: int = PAGE_SIZE) -> KbHitPage:
        return _again(kb_search.search_kb, viewer, typed, language, self.ports,
                      vendor=vendor, category=category, after=after, limit=limit)

    def suggest_kb(self, viewer: Viewer, subject: str, asset_id: str | None,
                   language: Language) -> tuple[KbHit, ...]:
        return _again(kb_search.suggest_kb, viewer, subject, asset_id, language, self.ports)

    def record_kb_event(self, viewer: Viewer | None, article_id: str,
                        kind: KbEventKind) -> None:
        _again(kb_search.record_kb_event, viewer, article_id, kind, self.ports)

    def kb_deflection_report(self, viewer: Viewer, days: int
                             ) -> list[kb_search.DeflectionRow]:
        return _again(kb_search.kb_deflection_report, viewer, days, self.ports)
