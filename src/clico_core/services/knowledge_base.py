"""``Baza Wiedzy``: staff write and publish articles; everyone reads what the policy lets
them (``clico_core.kb.policy``); every published version is kept and can be restored.

``viewer`` None is an anonymous reader (the public pages, no sign-in).
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import evolve, frozen

from ..errors import NotFound, ValidationFailed
from ..kb import (
    KbArticle,
    KbChange,
    KbChangeKind,
    KbListing,
    KbStatus,
    KbText,
    KbVersion,
    Visibility,
    audience_of,
)
from ..kb.model import MAX_CATEGORY, MAX_TITLE, MAX_VENDORS, VENDOR_CODE, ordered_texts
from ..roles import require_staff
from ..tickets import TicketStatus
from ..values import Language, lookup_text
from .context import Ports, Viewer
from .kb_access import article_id_of, readable_article, reader_of
from .kb_files import attach_kb_files
from .ticket_changes import visible_ticket
from .ticket_conversation import _clean_body


@frozen
class KbTextInput:
    language: str
    title: str
    body: str  # HTML from the editor; sanitised here


@frozen
class SaveKbArticle:
    """A new article (``article_id`` None) or a change; ``publish``: store it as a new
    published version, else keep it as a draft (only an unpublished article)."""

    texts: tuple[KbTextInput, ...]
    visibility: str
    category: str = ""
    vendors: tuple[str, ...] = ()
    publish: bool = True
    article_id: str | None = None
    attachment_ids: tuple[str, ...] = ()  # the viewer's unlinked uploads, to become its files


def _texts(inputs: Sequence[KbTextInput], ports: Ports, errors: dict[str, str]
           ) -> tuple[KbText, ...]:
    texts: list[KbText] = []
    for item in inputs:
        try:
            language = Language(item.language)
        except ValueError:
            errors["language"] = "invalid"
            continue
        title = " ".join(item.title.split())
        if not title and not item.body.strip():
            continue  # that language left empty: the article has no text in it
        if not title:
            errors[f"title_{language}"] = "required"
        elif len(title) > MAX_TITLE:
            errors[f"title_{language}"] = "too_long"
        try:
            body = _clean_body(item.body, ports)
        except ValidationFailed as error:  # EmptyReply too: a text needs a body
            errors.update({f"{k}_{language}": v for k, v in error.fields.items()})
            continue
        texts.append(KbText(language, title, body))
    if not texts and not errors:
        errors["title_pl"] = "required"
    return ordered_texts(texts)


def _vendors(raw: Sequence[str], errors: dict[str, str]) -> tuple[str, ...]:
    vendors = tuple(dict.fromkeys(v.strip().upper() for v in raw if v.strip()))
    if len(vendors) > MAX_VENDORS or not all(VENDOR_CODE.match(v) for v in vendors):
        errors["vendors"] = "invalid"
    return vendors


def save_kb_article(viewer: Viewer, cmd: SaveKbArticle, ports: Ports) -> KbArticle:
    """``Nowy artykuł`` / editing: validate, sanitise, store; publishing adds a version.
    Errors: ``ValidationFailed`` (titles, bodies, visibility, category, vendors),
    ``NotFound`` (not staff, or editing an article that is gone); a file refused by
    ``link_attachments`` (gone, someone else's, over the limits) saves nothing."""
    require_staff(viewer.account)
    errors: dict[str, str] = {}
    texts = _texts(cmd.texts, ports, errors)
    try:
        visibility = Visibility(cmd.visibility)
    except ValueError:
        errors["visibility"] = "invalid"
        visibility = Visibility.INTERNAL
    category = " ".join(cmd.category.split())
    if len(category) > MAX_CATEGORY or (category and lookup_text(category, MAX_CATEGORY)
                                        is None):
        errors["category"] = "invalid"
    vendors = _vendors(cmd.vendors, errors)
    if errors:
        raise ValidationFailed(errors)
    now = ports.clock.now()
    with ports.uow() as uow:
        if cmd.article_id is None:
            old = None
            article = KbArticle(ports.secrets.new_id(), category, vendors, visibility,
                                KbStatus.DRAFT, texts, viewer.account.id, now, now)
        else:
            old = uow.kb.get(article_id_of(cmd.article_id))
            if old is None:
                raise NotFound()
            article = KbArticle(old.id, category, vendors, visibility, old.status, texts,
                                old.author_id, old.created_at, now, old.version,
                                old.source_ticket)
        version = None
        if cmd.publish:
            article, version = _published(article, viewer)
        elif article.published:
            raise ValidationFailed({"status": "published"})  # a change is published
        if old is None:
            uow.kb.add(article)
        else:
            uow.kb.update(article)
        if version is not None:
            uow.kb.add_version(version)
        attach_kb_files(uow, article, cmd.attachment_ids, viewer, ports, now)
        uow.commit()
    return article


def _published(article: KbArticle, viewer: Viewer) -> tuple[KbArticle, KbVersion]:
    """The article as its next published version, and that version for the history."""
    number = article.version + 1
    version = KbVersion(article.id, number, article.category, article.vendors,
                        article.visibility, article.texts, viewer.account.id,
                        viewer.account.full_name, article.updated_at)
    return evolve(article, status=KbStatus.PUBLISHED, version=number), version


def kb_article(viewer: Viewer | None, article_id: str, ports: Ports) -> KbArticle:
    """One article if the reader may read it; ``NotFound`` otherwise (a draft or an
    internal article is not found for customers and anonymous readers)."""
    with ports.uow(readonly=True) as uow:
        return readable_article(uow, viewer, article_id)


def kb_history(viewer: Viewer, article_id: str, ports: Ports) -> list[KbVersion]:
    """Every published version, newest first; staff only."""
    require_staff(viewer.account)
    with ports.uow(readonly=True) as uow:
        return uow.kb.versions(readable_article(uow, viewer, article_id).id)


def kb_changes(viewer: Viewer, article_id: str, ports: Ports) -> list[KbChange]:
    """Unpublishings and file changes, newest first; staff only (``NotFound`` otherwise)."""
    require_staff(viewer.account)
    with ports.uow(readonly=True) as uow:
        return uow.kb.changes(readable_article(uow, viewer, article_id).id)


def unpublish_kb_article(viewer: Viewer, article_id: str, ports: Ports) -> KbArticle:
    """``Wycofaj publikację``: a published article becomes a draft again — not found for
    customers and anonymous readers, gone from search, suggestions and the sitemap — and
    the history says who did it and when. Its versions stay; publishing again adds the
    next one. ``ValidationFailed`` (status ``draft``) when it is not published."""
    require_staff(viewer.account)
    wanted = article_id_of(article_id)
    now = ports.clock.now()
    with ports.uow() as uow:
        article = uow.kb.get(wanted)
        if article is None:
            raise NotFound()
        if not article.published:
            raise ValidationFailed({"status": "draft"})
        draft = evolve(article, status=KbStatus.DRAFT, updated_at=now)
        if not uow.kb.update(draft):
            raise NotFound()
        uow.kb.add_change(KbChange(article.id, KbChangeKind.UNPUBLISHED, viewer.account.id,
                                   viewer.account.full_name, now))
        uow.commit()
    return draft


def restore_kb_version(viewer: Viewer, article_id: str, number: int, ports: Ports
                       ) -> KbArticle:
    """Publish an old version's content again, as a new version (the history only grows)."""
    require_staff(viewer.account)
    wanted = article_id_of(article_id)
    now = ports.clock.now()
    with ports.uow() as uow:
        article = uow.kb.get(wanted)
        old = next((v for v in uow.kb.versions(wanted) if v.number == number), None) \
            if article else None
        if article is None or old is None:
            raise NotFound()
        restored = evolve(article, category=old.category, vendors=old.vendors,
                          visibility=old.visibility, texts=old.texts, updated_at=now)
        restored, version = _published(restored, viewer)
        uow.kb.update(restored)
        uow.kb.add_version(version)
        uow.commit()
    return restored


def kb_listing(viewer: Viewer | None, language: Language, ports: Ports,
               category: str | None = None, vendor: str | None = None) -> list[KbListing]:
    """The articles the reader may read, most recently changed first."""
    audience = audience_of(reader_of(viewer))
    with ports.uow(readonly=True) as uow:
        return uow.kb.listing(audience, language, category=lookup_text(category or "", 80),
                              vendor=lookup_text(vendor or "", 40))


def kb_categories(viewer: Viewer | None, ports: Ports) -> list[str]:
    with ports.uow(readonly=True) as uow:
        return uow.kb.categories(audience_of(reader_of(viewer)))


def draft_kb_from_ticket(viewer: Viewer, number: str, ports: Ports) -> KbArticle:
    """``Utwórz artykuł``: a resolved (or closed) ticket's subject and its last public staff
    answer become an internal draft, tagged with the ticket's assets' vendors. Customer
    data is removed by hand before publishing."""
    require_staff(viewer.account)
    now = ports.clock.now()
    with ports.uow() as uow:
        ticket = visible_ticket(uow, viewer, number)
        if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
            raise ValidationFailed({"status": "not_resolved"})
        page = uow.articles.page_for(ticket.id, include_internal=False, after=None,
                                     limit=500)
        answers = [a for a in page.articles if a.author_role == "staff"]
        body = answers[-1].body if answers else ticket.description
        vendors = tuple(dict.fromkeys(
            asset.vendor for asset_id in ticket.asset_ids
            if (asset := uow.assets.get(asset_id)) is not None))
        article = KbArticle(ports.secrets.new_id(), "", vendors, Visibility.INTERNAL,
                            KbStatus.DRAFT,
                            (KbText(viewer.account.language, ticket.subject, body),),
                            viewer.account.id, now, now, source_ticket=ticket.number)
        uow.kb.add(article)
        uow.commit()
    return article
