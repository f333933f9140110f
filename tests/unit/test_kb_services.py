"""``Baza Wiedzy`` use cases: staff write, publish and restore; readers see what the policy
lets them; search answers any text with highlighted snippets; a resolved ticket becomes a
draft (``Utwórz artykuł``)."""

from __future__ import annotations

import pytest

from clico_core.errors import NotFound, ValidationFailed
from clico_core.kb import KbEventKind, KbStatus, Visibility
from clico_core.services import KbTextInput, SaveKbArticle, Viewer
from clico_core.values import Language

from ..support import World

PL, EN = Language.PL, Language.EN


def _save(world: World, staff: Viewer, *, visibility: str = "publiczny",
          publish: bool = True, title: str = "Tunel VPN zrywa się",
          body: str = "<p>Po aktualizacji tunel zrywa się.</p><script>x()</script>",
          article_id: str | None = None):  # type: ignore[no-untyped-def]
    return world.services.save_kb_article(staff, SaveKbArticle(
        (KbTextInput("pl", title, body),
         KbTextInput("en", "VPN tunnel drops", "<p>After an upgrade the tunnel drops.</p>")),
        visibility, "VPN", ("palo_alto",), publish, article_id))


@pytest.fixture
def staff(world: World) -> Viewer:
    return world.engineer()


@pytest.fixture
def customer(world: World) -> Viewer:
    world.register(contract=world.issue())
    return world.viewer()


def test_publishing_keeps_every_version_and_restore_publishes_an_old_one(
        world: World, staff: Viewer) -> None:
    first = _save(world, staff)
    assert first.status is KbStatus.PUBLISHED and first.version == 1
    assert first.vendors == ("PALO_ALTO",)
    assert "<script>" not in first.text_in(PL).body  # sanitised as a reply
    second = _save(world, staff, title="Tunel IPsec", article_id=first.id)
    history = world.services.kb_history(staff, first.id)
    assert [(v.number, v.texts[0].title) for v in history] == [
        (2, "Tunel IPsec"), (1, "Tunel VPN zrywa się")]
    assert history[0].published_by_name == staff.account.full_name
    restored = world.services.restore_kb_version(staff, first.id, 1)
    assert restored.version == 3 and restored.text_in(PL).title == "Tunel VPN zrywa się"
    assert second.text_in(EN).title == "VPN tunnel drops"


def test_fallback_language_and_validation(world: World, staff: Viewer) -> None:
    only_pl = world.services.save_kb_article(staff, SaveKbArticle(
        (KbTextInput("pl", "Tylko po polsku", "<p>Treść</p>"), KbTextInput("en", "", "")),
        "klienci"))
    assert only_pl.text_in(EN).title == "Tylko po polsku"
    with pytest.raises(ValidationFailed) as error:
        world.services.save_kb_article(staff, SaveKbArticle(
            (KbTextInput("pl", "x" * 201, ""),), "tajny", vendors=("no spaces!",)))
    assert error.value.fields == {"title_pl": "too_long", "body_pl": "required",
                                  "visibility": "invalid", "vendors": "invalid"}


def test_drafts_and_internal_articles_are_not_found_by_customers_or_anonymous(
        world: World, staff: Viewer, customer: Viewer) -> None:
    draft = _save(world, staff, publish=False)
    internal = _save(world, staff, visibility="wewnętrzny")
    for_customers = _save(world, staff, visibility="klienci")
    for article in (draft, internal):
        for reader in (customer, None):
            with pytest.raises(NotFound):
                world.services.kb_article(reader, article.id)
    with pytest.raises(NotFound):
        world.services.kb_article(None, for_customers.id)
    assert world.services.kb_article(customer, for_customers.id) == for_customers
    assert world.services.kb_article(staff, draft.id).status is KbStatus.DRAFT
    found = world.services.search_kb(customer, "zrywa sie", PL).hits
    assert [h.article_id for h in found] == [for_customers.id]
    assert world.services.search_kb(None, "zrywa sie", PL).hits == ()
    with pytest.raises(NotFound):
        world.services.kb_history(customer, internal.id)
    with pytest.raises(NotFound):
        _save(world, customer)


def test_search_snippets_are_marked_segments_of_plain_text(
        world: World, staff: Viewer) -> None:
    _save(world, staff, body="<p>Po <b>aktualizacji</b> tunel zrywa się &lt;b&gt;.</p>")
    (hit,) = world.services.search_kb(None, '"zrywa sie" tun', PL).hits
    assert hit.snippet.text == "Po aktualizacji tunel zrywa się <b>."
    assert [t for t, marked in hit.snippet.segments if marked] == ["tunel", "zrywa", "się"]
    for typed in ('"', "*", "NEAR(", "'; --", "😀", "x" * 10_240, "\x00", ""):
        assert world.services.search_kb(None, typed, PL).hits == ()


def test_suggestions_follow_the_vendor_and_events_feed_the_report(
        world: World, staff: Viewer, customer: Viewer) -> None:
    article = _save(world, staff)
    services = world.services
    world.register("ola", contract=world.issue("C-2", assets=(
        ("PAN-PA-450", "PALO_ALTO", "SN-2"), ("FG-60F", "FORTINET", "SN-3"))))
    two = world.viewer("ola")
    assets = {a.vendor: a.id for a in services.list_covered_assets(two).rows}
    foreign = services.list_covered_assets(customer).rows[0].id  # not ola's contract
    for asset_id, found in ((assets["PALO_ALTO"], [article.id]), (assets["FORTINET"], []),
                            (None, [article.id]), (foreign, [article.id])):
        assert [h.article_id for h in services.suggest_kb(
            two, "vpn zrywa", asset_id, PL)] == found  # an uncovered asset: any vendor
    services.record_kb_event(customer, article.id, KbEventKind.SUGGESTED_VIEW)
    services.record_kb_event(customer, article.id, KbEventKind.SOLVED)
    (row,) = services.kb_deflection_report(staff, 30)
    assert (row.suggested_views, row.solved, row.title) == (1, 1, "Tunel VPN zrywa się")
    internal = _save(world, staff, visibility=Visibility.INTERNAL.value)
    with pytest.raises(NotFound):
        services.record_kb_event(customer, internal.id, KbEventKind.SOLVED)


def test_a_resolved_tickets_answer_becomes_an_internal_draft(
        world: World, staff: Viewer, customer: Viewer) -> None:
    from clico_core.services import OpenTicket, PostReply

    from ..support import PALO_ALTO_ANSWERS

    services = world.services
    asset_id = services.list_covered_assets(customer).rows[0].id
    ticket = services.open_ticket(customer, OpenTicket(
        "Tunel VPN zrywa się", "<p>Od wczoraj.</p>", asset_id=asset_id,
        answers=PALO_ALTO_ANSWERS))
    with pytest.raises(ValidationFailed):
        services.draft_kb_from_ticket(staff, ticket.number)  # not resolved yet
    services.post_reply(staff, PostReply(ticket.number, "<p>Zmień czas życia IKE.</p>",
                                         new_status="resolved"))
    draft = services.draft_kb_from_ticket(staff, ticket.number)
    assert (draft.status, draft.visibility, draft.vendors, draft.source_ticket) == (
        KbStatus.DRAFT, Visibility.INTERNAL, ("PALO_ALTO",), ticket.number)
    assert draft.text_in(PL).title == "Tunel VPN zrywa się"
    assert draft.text_in(PL).body == "<p>Zmień czas życia IKE.</p>"
    with pytest.raises(NotFound):
        services.draft_kb_from_ticket(customer, ticket.number)


def test_suggestions_match_titles_only_and_a_short_last_word_whole(
        world: World, staff: Viewer, customer: Viewer) -> None:
    article = _save(world, staff)
    services = world.services
    body_only = services.search_kb(customer, "aktualizacji ", PL).hits
    assert [h.article_id for h in body_only] == [article.id]  # a body word: found by search
    assert services.suggest_kb(customer, "aktualizacji", None, PL) == ()  # not suggested
    assert [h.article_id for h in services.suggest_kb(customer, "vpn zry", None, PL)] \
        == [article.id]
    assert [h.article_id for h in services.search_kb(customer, "vpn zr", PL).hits] \
        == [article.id]
    assert services.suggest_kb(customer, "vpn zr", None, PL) == ()  # "zr" is a whole word
