"""Searching ``Baza Wiedzy``, suggestions beside a new ticket, and what readers did with
them (views, ``To rozwiązało mój problem``) for the deflection report.

The audience is applied inside the engine's query and every hit is checked against the
policy once more before it leaves the core, so a draft or internal article never reaches a
customer or an anonymous reader, not even as a snippet (docs/security.md).
"""

from __future__ import annotations

from datetime import timedelta

from attrs import frozen

from ..kb import (
    KbCursor,
    KbEventKind,
    KbHit,
    KbHitPage,
    KbQuery,
    audience_of,
    make_snippet,
    parse_terms,
)
from ..kb.ports import KbMatch
from ..kb.search import MAX_PAGE_SIZE, MIN_PREFIX, PAGE_SIZE, SUGGESTIONS, Term, Terms
from ..policies import TechnicalTicketRequiresCoveredAsset
from ..roles import require_staff
from ..values import Language, lookup_text
from .context import Ports, Viewer
from .kb_access import article_id_of, reader_of
from .knowledge_base import kb_article


def _filter(raw: str | None, size: int) -> str | None:
    return lookup_text(raw or "", size)


def search_kb(viewer: Viewer | None, typed: str, language: Language, ports: Ports, *,
              vendor: str | None = None, category: str | None = None,
              after: str | None = None, limit: int = PAGE_SIZE) -> KbHitPage:
    """One page of the articles the reader may read that match ``typed``, best first, each
    with a highlighted snippet. Any text is accepted: nothing typed is passed to an engine
    as syntax (``clico_core.kb.search``); no words at all find nothing."""
    terms = parse_terms(typed)
    if terms.empty:
        return KbHitPage((), None)
    size = max(1, min(limit, MAX_PAGE_SIZE))
    query = KbQuery(terms, audience_of(reader_of(viewer)), language,
                    vendor=_filter(vendor, 40), category=_filter(category, 80),
                    after=KbCursor.decode(after), limit=size + 1)
    matches = _matches(query, ports)
    hits = tuple(_hit(m, terms) for m in matches[:size])
    last = hits[-1] if len(matches) > size else None
    return KbHitPage(hits, KbCursor(last.score, last.article_id) if last else None)


def _matches(query: KbQuery, ports: Ports) -> list[KbMatch]:
    """The engine's matches, each checked against the policy once more."""
    with ports.uow(readonly=True) as uow:
        return _admitted(uow.kb_search.search(query), query)


def _admitted(matches: list[KbMatch], query: KbQuery) -> list[KbMatch]:
    audience = query.audience
    return [m for m in matches
            if m.visibility in audience.visibilities and (m.published or audience.drafts)]


def _hit(match: KbMatch, terms: Terms) -> KbHit:
    return KbHit(match.article_id, match.language, match.title,
                 make_snippet(match.plain, terms), match.score, match.vendors, match.category,
                 match.updated_at)


def suggest_kb(viewer: Viewer, subject: str, asset_id: str | None, language: Language,
               ports: Ports) -> tuple[KbHit, ...]:
    """Up to five articles whose title matches the subject of a ticket being written, for
    the vendor of the chosen asset when the viewer's contracts cover it today (any vendor
    when none is chosen or it is not covered). Titles only and a last word of fewer than
    ``MIN_PREFIX`` letters matched whole keep this cheap enough to run as the subject is
    typed; the asset and the search share one read unit of work, and the coverage is
    decided from the contracts the viewer was authenticated with (docs/kb.md,
    "Suggestions and deflection")."""
    terms = parse_terms(subject)
    if terms.empty:
        return ()
    last = terms.terms[-1]
    if last.prefix and len(last.words[-1]) < MIN_PREFIX:
        terms = Terms((*terms.terms[:-1], Term(last.words)))
    audience = audience_of(reader_of(viewer))
    wanted = lookup_text(asset_id or "", 64)
    with ports.uow(readonly=True) as uow:
        rule = TechnicalTicketRequiresCoveredAsset(
            uow.assets.get(wanted) if wanted else None, viewer.active_contracts,
            ports.today())
        vendor = rule.asset.vendor if rule.asset is not None and not rule.is_broken() else None
        query = KbQuery(terms, audience, language, vendor=vendor, limit=SUGGESTIONS,
                        titles=True)
        matches = _admitted(uow.kb_search.search(query), query)
    return tuple(_hit(m, terms) for m in matches)


def record_kb_event(viewer: Viewer | None, article_id: str, kind: KbEventKind,
                    ports: Ports) -> None:
    """Count a view (plain or from a suggestion) or a ``To rozwiązało mój problem`` click
    on an article the reader may read (``NotFound`` otherwise)."""
    article = kb_article(viewer, article_id, ports)
    with ports.uow() as uow:
        uow.kb.record(article.id, kind, viewer.account.id if viewer else None,
                      ports.clock.now())
        uow.commit()


@frozen
class DeflectionRow:
    article_id: str
    title: str
    views: int
    suggested_views: int
    solved: int


def kb_deflection_report(viewer: Viewer, days: int, ports: Ports) -> list[DeflectionRow]:
    """Per article over the last ``days`` days: views, views from suggestions beside a new
    ticket and ``To rozwiązało mój problem`` clicks (tickets not opened), most solved first."""
    require_staff(viewer.account)
    since = ports.clock.now() - timedelta(days=max(1, min(days, 3660)))
    with ports.uow(readonly=True) as uow:
        counts = uow.kb.event_counts(since)
        rows = []
        for article_id, by_kind in counts.items():
            article = uow.kb.get(article_id_of(article_id))
            title = article.text_in(viewer.account.language).title if article else article_id
            rows.append(DeflectionRow(article_id, title, by_kind.get(KbEventKind.VIEW, 0),
                                      by_kind.get(KbEventKind.SUGGESTED_VIEW, 0),
                                      by_kind.get(KbEventKind.SOLVED, 0)))
    return sorted(rows, key=lambda r: (-r.solved, -r.suggested_views, -r.views, r.article_id))
