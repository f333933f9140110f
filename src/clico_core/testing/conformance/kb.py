"""Conformance: ``Baza Wiedzy`` storage and search. One fixed corpus with expected best
answers holds every engine to the same ranking contract (docs/kb.md); properties check
that no typed text makes an engine fail and that no reader ever gets a hit the policy
does not let them read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import evolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ...accounts import Account
from ...kb import (
    KbArticle,
    KbChange,
    KbChangeKind,
    KbCursor,
    KbEventKind,
    KbQuery,
    KbText,
    KbVersion,
    Reader,
    Visibility,
    audience_of,
    parse_terms,
)
from ...kb.search import CANDIDATES
from ...ports import UnitOfWorkFactory
from ...values import Language
from .. import builders as b
from ..kb_corpus import (
    EXPECTED,
    Expected,
    corpus,
    hostile_text,
    kb_id,
    languages,
    random_articles,
    readers,
)

_ENGINE = settings(max_examples=25, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])


def _search(uow_factory: UnitOfWorkFactory, reader: Reader, language: Language, typed: str,
            vendor: str | None = None, category: str | None = None,
            after: KbCursor | None = None, limit: int = 20,
            titles: bool = False, candidates: int = CANDIDATES) -> list[tuple[str, float]]:
    query = KbQuery(parse_terms(typed), audience_of(reader), language, vendor=vendor,
                    category=category, after=after, limit=limit, titles=titles,
                    candidates=candidates)
    if query.terms.empty:
        return []
    with uow_factory(readonly=True) as uow:
        return [(m.article_id, m.score) for m in uow.kb_search.search(query)]


def _matches(found: list[str], expected: Expected) -> bool:
    position = 0
    for item in expected:
        group = item if isinstance(item, frozenset) else frozenset({item})
        if frozenset(found[position:position + len(group)]) != group:
            return False
        position += len(group)
    return position == len(found)


class KbConformance:
    @pytest.fixture
    def author(self, uow_factory: UnitOfWorkFactory) -> Account:
        company = b.company("CLICO")
        author = b.account(company.id, "kb_author")
        with uow_factory() as uow:
            uow.companies.add(company)
            uow.accounts.add(author)
            uow.commit()
        return author

    @pytest.fixture
    def articles(self, uow_factory: UnitOfWorkFactory, author: Account
                 ) -> dict[str, KbArticle]:
        articles = corpus(author.id)
        with uow_factory() as uow:
            for article in articles.values():
                uow.kb.add(article)
            uow.commit()
        return articles

    @pytest.mark.parametrize(("reader", "language", "typed", "vendor", "category", "expected"),
                             EXPECTED)
    def test_the_fixed_corpus_gives_the_expected_best_answers(
            self, uow_factory: UnitOfWorkFactory, articles: dict[str, KbArticle],
            reader: Reader, language: Language, typed: str, vendor: str | None,
            category: str | None, expected: Expected) -> None:
        names = {article.id: name for name, article in articles.items()}
        found = [names[article_id] for article_id, _ in
                 _search(uow_factory, reader, language, typed, vendor, category)]
        assert _matches(found, expected), found

    def test_keyset_pages_walk_the_same_order_as_one_page(
            self, uow_factory: UnitOfWorkFactory, articles: dict[str, KbArticle]) -> None:
        whole = _search(uow_factory, Reader.STAFF, Language.PL, "vpn")
        assert len(whole) >= 3
        walked: list[tuple[str, float]] = []
        after = None
        while True:
            page = _search(uow_factory, Reader.STAFF, Language.PL, "vpn", after=after, limit=1)
            if not page:
                break
            walked += page
            after = KbCursor(page[-1][1], page[-1][0])
        assert [a for a, _ in walked] == [a for a, _ in whole]

    def test_only_the_newest_matches_are_ranked(
            self, uow_factory: UnitOfWorkFactory, articles: dict[str, KbArticle]) -> None:
        """Rule 6: past ``candidates`` matches, the newest ones are ranked (and paged)."""
        def found(typed: str, candidates: int, **more: object) -> list[tuple[str, float]]:
            return _search(uow_factory, Reader.STAFF, Language.PL, typed,
                           candidates=candidates, **more)  # type: ignore[arg-type]

        vpn, ha, internal, offline = (articles[n].id for n in ("vpn", "ha", "internal",
                                                                "offline"))
        # every match: the two title matches first
        assert {a for a, _ in found("vpn", CANDIDATES)[:2]} == {vpn, internal}
        # the two newest matches only: the internal procedure (title) above offline (body)
        assert [a for a, _ in found("vpn", 2)] == [internal, offline]
        # the three newest: the oldest title match (vpn) is not among them
        assert _matches([a for a, _ in found("vpn", 3)], [internal, frozenset({ha, offline})])
        assert [a for a, _ in found("vpn", 1, titles=True)] == [internal]
        assert [a for a, _ in found("vpn", 1, vendor="FORTINET")] == [ha]
        walked, after = [], None
        while page := found("vpn", 3, after=after, limit=1):
            walked += page
            after = KbCursor(page[-1][1], page[-1][0])
        assert walked == found("vpn", 3)

    def test_titles_only_matches_titles_and_keeps_the_audience(
            self, uow_factory: UnitOfWorkFactory, articles: dict[str, KbArticle]) -> None:
        def found(reader: Reader, typed: str, *, titles: bool) -> set[str]:
            return {a for a, _ in _search(uow_factory, reader, Language.PL, typed,
                                          titles=titles)}

        vpn, nat, internal = articles["vpn"].id, articles["nat"].id, articles["internal"].id
        assert found(Reader.STAFF, "tunel", titles=False) == {vpn, nat, internal}
        assert found(Reader.STAFF, "tunel", titles=True) == {vpn}
        assert found(Reader.STAFF, "vpn", titles=True) == {vpn, internal}
        assert found(Reader.CUSTOMER, "vpn", titles=True) == {vpn}
        assert found(Reader.STAFF, "aktywacja licen", titles=True) == {articles["licence"].id}

    def test_a_change_reindexes_and_unpublishing_hides(
            self, uow_factory: UnitOfWorkFactory, articles: dict[str, KbArticle]) -> None:
        vpn = articles["vpn"]
        changed = evolve(vpn, texts=(KbText(Language.PL, "Routing BGP", "<p>Sąsiedzi</p>"),))
        with uow_factory() as uow:
            assert uow.kb.update(changed)
            uow.commit()
        assert _search(uow_factory, Reader.CUSTOMER, Language.PL, "zrywa") == []
        assert [a for a, _ in _search(uow_factory, Reader.CUSTOMER, Language.PL,
                                      "sasiedzi")] == [vpn.id]
        with uow_factory() as uow:
            uow.kb.update(evolve(changed, visibility=Visibility.INTERNAL))
            uow.commit()
        assert _search(uow_factory, Reader.CUSTOMER, Language.PL, "sasiedzi") == []
        with uow_factory(readonly=True) as uow:
            assert uow.kb.get(vpn.id) == evolve(changed, visibility=Visibility.INTERNAL)

    def test_versions_listing_categories_and_events(
            self, uow_factory: UnitOfWorkFactory, articles: dict[str, KbArticle],
            author: Account) -> None:
        vpn = articles["vpn"]
        first = KbVersion(vpn.id, 1, vpn.category, vpn.vendors, vpn.visibility, vpn.texts,
                          author.id, "Jan Kowalski", b.T0)
        second = evolve(first, number=2, published_at=b.T0 + timedelta(hours=1))
        with uow_factory() as uow:
            uow.kb.add_version(first)
            uow.kb.add_version(second)
            uow.kb.record(vpn.id, KbEventKind.SUGGESTED_VIEW, author.id, b.T0)
            uow.kb.record(vpn.id, KbEventKind.SOLVED, None, b.T0 + timedelta(minutes=1))
            uow.kb.record(vpn.id, KbEventKind.SOLVED, None, b.T0 - timedelta(days=1))
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert uow.kb.versions(vpn.id) == [second, first]
            assert uow.kb.event_counts(b.T0) == {
                vpn.id: {KbEventKind.SUGGESTED_VIEW: 1, KbEventKind.SOLVED: 1}}
            anonymous = uow.kb.listing(audience_of(Reader.ANONYMOUS), Language.EN)
            assert [row.article_id for row in anonymous] == [
                articles[n].id for n in ("offline", "nat", "licence", "vpn")]
            assert anonymous[-1].title == "VPN tunnel drops after an upgrade"
            assert [r.article_id for r in uow.kb.listing(
                audience_of(Reader.CUSTOMER), Language.PL, vendor="FORTINET")] == [
                articles["nat"].id, articles["ha"].id]
            assert uow.kb.categories(audience_of(Reader.ANONYMOUS)) == [
                "Licencje", "NAT", "VPN"]
            assert len(uow.kb.listing(audience_of(Reader.STAFF), Language.PL)) == 7

    def test_changes_read_back_newest_first_per_article(
            self, uow_factory: UnitOfWorkFactory, articles: dict[str, KbArticle],
            author: Account) -> None:
        vpn, nat = articles["vpn"], articles["nat"]
        attached = KbChange(vpn.id, KbChangeKind.ATTACHED, author.id, "Jan Kowalski", b.T0,
                            "Zrzut – łącze.png")
        same_time = KbChange(vpn.id, KbChangeKind.DETACHED, author.id, "Jan Kowalski", b.T0,
                             "Zrzut – łącze.png")
        unpublished = KbChange(vpn.id, KbChangeKind.UNPUBLISHED, author.id, "Jan Kowalski",
                               b.T0 + timedelta(hours=1))
        other = KbChange(nat.id, KbChangeKind.UNPUBLISHED, author.id, "Ewa", b.T0)
        with uow_factory() as uow:
            for change in (attached, same_time, unpublished, other):
                uow.kb.add_change(change)
            uow.commit()
        with uow_factory() as uow:  # rolled back: not kept
            uow.kb.add_change(evolve(other, detail="gone"))
        with uow_factory(readonly=True) as uow:
            assert uow.kb.changes(vpn.id) == [unpublished, same_time, attached]
            assert uow.kb.changes(nat.id) == [other]
            assert uow.kb.changes("nope") == []

    @_ENGINE
    @given(typed=hostile_text, reader=readers, language=languages,
           vendor=st.sampled_from([None, "PALO_ALTO", "A_%"]))
    def test_any_typed_text_is_searched_without_error(
            self, uow_factory: UnitOfWorkFactory, articles: dict[str, KbArticle],
            typed: str, reader: Reader, language: Language, vendor: str | None) -> None:
        found = _search(uow_factory, reader, language, typed, vendor)
        readable = {a.id for a in articles.values() if audience_of(reader).admits(a)}
        assert {article_id for article_id, _ in found} <= readable

    @_ENGINE
    @given(data=st.data(), reader=readers, language=languages)
    def test_no_reader_ever_finds_what_the_policy_hides(
            self, uow_factory: UnitOfWorkFactory, author: Account, data: st.DataObject,
            reader: Reader, language: Language) -> None:
        category = kb_id("c")  # fresh: earlier examples' articles stay in the database
        articles = data.draw(random_articles(author.id, category))
        with uow_factory() as uow:
            for article in articles:
                uow.kb.add(article)
            uow.commit()
        typed = data.draw(st.sampled_from(
            [" ".join(t.title.split()[:2]) for a in articles for t in a.texts]
            + ["vpn", "się", "ha", "zrywa sie"]))
        found = {a for a, _ in _search(uow_factory, reader, language, typed,
                                       category=category)}
        audience = audience_of(reader)
        allowed = {a.id for a in articles if a.published and audience.admits(a)}
        assert found <= allowed
        with uow_factory(readonly=True) as uow:
            listed = {r.article_id for r in uow.kb.listing(audience, language,
                                                             category=category)}
        assert listed == {a.id for a in articles if audience.admits(a)}
