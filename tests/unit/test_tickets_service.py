"""Opening tickets, the list a viewer sees, and the ticket page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from attrs import evolve

from clico_core.errors import AssetNotCovered, IncompleteAnswers, NotFound, ValidationFailed
from clico_core.mail import MailTemplate
from clico_core.questionnaires import PALO_ALTO, Question
from clico_core.services import OpenTicket, Services, Viewer
from clico_core.tickets import MAX_DESCRIPTION, Cursor, TicketKind, TicketQuery

from ..support import PALO_ALTO_ANSWERS, World


@pytest.fixture
def jan(world: World) -> World:
    world.register(contract=world.issue())
    return world


def _asset_id(world: World, viewer: Viewer) -> str:
    return world.services.list_covered_assets(viewer).rows[0].id


def technical(world: World, viewer: Viewer, **changes: object) -> OpenTicket:
    values: dict[str, object] = {"subject": "VPN down", "description": "<p>tunnel flaps</p>",
                                 "asset_id": _asset_id(world, viewer),
                                 "answers": PALO_ALTO_ANSWERS}
    values.update(changes)
    return OpenTicket(**values)  # type: ignore[arg-type]


def test_technical_ticket_records_asset_contract_and_answers(jan: World) -> None:
    viewer = jan.viewer()
    ticket = jan.services.open_technical_ticket(viewer, technical(jan, viewer))
    detail = jan.services.ticket_detail(viewer, ticket.number)
    assert detail.ticket.kind is TicketKind.TECHNICAL
    assert detail.contract_number == "C-1" and detail.company_name == "Acme"
    assert [a[1] for a in detail.assets] == ["PAN-PA-450"]
    assert detail.answers["frequency"] == "daily"
    assert detail.reporter_name == "Jan Kowalski"
    mail = jan.last_mail(MailTemplate.TICKET_CREATED).mail
    assert mail.context["number"] == ticket.number and mail.to == "jan@example.com"


def test_administrative_ticket_needs_no_asset(jan: World) -> None:
    viewer = jan.viewer()
    ticket = jan.services.open_administrative_ticket(viewer, OpenTicket("Portal", "<p>x</p>"))
    assert ticket.kind is TicketKind.ADMINISTRATIVE and ticket.asset_ids == []
    with pytest.raises(ValidationFailed):
        jan.services.open_technical_ticket(viewer, OpenTicket("Portal", "<p>x</p>"))
    with pytest.raises(ValidationFailed):
        jan.services.open_administrative_ticket(viewer, technical(jan, viewer))


def test_missing_or_mistyped_answers_are_refused(jan: World) -> None:
    viewer = jan.viewer()
    answers = {**PALO_ALTO_ANSWERS, "production": "maybe"}
    del answers["occurred_on"]
    with pytest.raises(IncompleteAnswers) as error:
        jan.services.open_ticket(viewer, technical(jan, viewer, answers=answers))
    assert error.value.fields == {"occurred_on": "required", "production": "invalid_yes_no"}


def test_asset_of_another_company_is_refused(jan: World) -> None:
    jan.register("eve", contract=jan.issue("C-EVE", "Evil", assets=[("EVIL", "PALO_ALTO", "E")]))
    eve_asset = _asset_id(jan, jan.viewer("eve"))
    viewer = jan.viewer("jan")
    with pytest.raises(AssetNotCovered):
        jan.services.open_ticket(viewer, technical(jan, viewer, asset_id=eve_asset))
    with pytest.raises(AssetNotCovered):
        jan.services.open_ticket(viewer, technical(jan, viewer, asset_id="no-such-asset"))


def test_asset_whose_contract_expired_meanwhile_is_refused(world: World) -> None:
    world.register(contract=world.issue(days=0))
    viewer = world.viewer()
    form = technical(world, viewer)
    world.clock.advance(timedelta(days=1))
    with pytest.raises(AssetNotCovered):
        world.services.open_ticket(viewer, form)


def test_description_is_sanitised_and_bounded(jan: World) -> None:
    viewer = jan.viewer()
    ticket = jan.services.open_ticket(viewer, OpenTicket(
        "XSS", '<p onclick="x()">hi <a href="javascript:alert(1)">l</a><script>bad()</script>'
               '<img src=x onerror=alert(1)></p>'))
    assert "script" not in ticket.description and "onclick" not in ticket.description
    assert "javascript:" not in ticket.description and "onerror" not in ticket.description
    with pytest.raises(ValidationFailed) as error:
        jan.services.open_ticket(viewer, OpenTicket("Big", "x" * (MAX_DESCRIPTION + 1)))
    assert error.value.fields == {"description": "too_long"}
    with pytest.raises(ValidationFailed) as empty:
        jan.services.open_ticket(viewer, OpenTicket(" ", "<p> </p><script>x</script>"))
    assert empty.value.fields == {"subject": "required", "description": "required"}


def test_bad_choices_are_named(jan: World) -> None:
    with pytest.raises(ValidationFailed) as error:
        jan.services.open_ticket(jan.viewer(), OpenTicket("S", "d", priority="urgent!!",
                                                          relation_type="gossip"))
    assert error.value.fields == {"priority": "invalid_choice", "relation_type": "invalid_choice"}


def test_same_idempotency_key_makes_one_ticket(jan: World) -> None:
    viewer = jan.viewer()
    form = OpenTicket("Once", "<p>only once</p>", idempotency_key="form-123")
    first = jan.services.open_ticket(viewer, form)
    second = jan.services.open_ticket(viewer, form)
    assert first.id == second.id
    page = jan.services.list_tickets(viewer, TicketQuery())
    assert page.total == 1


def test_colleagues_see_each_others_tickets_other_companies_do_not(jan: World) -> None:
    contract = jan.issue("C-SHARED")
    jan.register("ola", contract=contract)  # a colleague at Acme
    jan.register("eve", contract=jan.issue("C-EVE", "Evil"))
    ticket = jan.services.open_ticket(jan.viewer("jan"), OpenTicket("Ours", "<p>x</p>"))
    ola = jan.viewer("ola")
    assert [r.number for r in jan.services.list_tickets(ola, TicketQuery()).rows] == [
        ticket.number]
    assert jan.services.ticket_detail(ola, ticket.number).ticket.id == ticket.id
    eve = jan.viewer("eve")
    assert jan.services.list_tickets(eve, TicketQuery()).rows == ()
    with pytest.raises(NotFound):
        jan.services.ticket_detail(eve, ticket.number)
    acme_id = jan.viewer("jan").account.company_id
    assert jan.services.list_tickets(eve, TicketQuery(company_id=acme_id)).rows == ()


def test_list_query_is_validated(jan: World) -> None:
    viewer = jan.viewer()
    with pytest.raises(ValidationFailed) as error:
        jan.services.list_tickets(viewer, TicketQuery(page_size=7, text="x" * 201))
    assert error.value.fields == {"page_size": "invalid_choice", "text": "too_long"}


def test_when_the_contract_lapses_its_tickets_are_no_longer_visible(world: World) -> None:
    contract = world.issue(days=30)
    world.register("jan", contract=contract)
    world.register("eve", contract=contract)  # e.g. a partner's engineer
    ticket = world.services.open_ticket(world.viewer("jan"), OpenTicket("Ours", "<p>x</p>"))
    assert world.services.ticket_detail(world.viewer("eve"), ticket.number)
    world.clock.advance(timedelta(days=60))
    eve = world.viewer("eve")
    with pytest.raises(NotFound):
        world.services.ticket_detail(eve, ticket.number)
    assert world.services.list_tickets(eve, TicketQuery(show_closed=True)).rows == ()
    assert world.services.customer_overview(eve).colleagues == ()
    # with no active contract an account still sees what it reported itself
    own = world.services.open_ticket(eve, OpenTicket("Cannot renew", "<p>help</p>"))
    assert [r.number for r in world.services.list_tickets(eve, TicketQuery()).rows] == [
        own.number]
    assert world.services.ticket_detail(eve, own.number).ticket.id == own.id


@pytest.mark.parametrize("query", [
    TicketQuery(modified_to=date.max), TicketQuery(modified_from=date.min),
    TicketQuery(cursor=Cursor("0001-01-01T00:00:00+14:00", "x")),
    TicketQuery(cursor=Cursor("9999-12-31T23:59:59-14:00", "x")),
    TicketQuery(cursor=Cursor("2026-01-01T00:00:00", "x")),
    TicketQuery(cursor=Cursor("yesterday", "x")),
    TicketQuery(cursor=Cursor("2026-01-01T00:00:00+00:00", "x\x00")),
])
def test_queries_no_database_can_run_are_refused(jan: World, query: TicketQuery) -> None:
    with pytest.raises(ValidationFailed):
        jan.services.list_tickets(jan.viewer(), query)


# --- decided once, in the core ----------------------------------------------------------------

def test_the_answers_are_read_once_per_ticket(jan: World, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    """The questionnaire is validated once inside the write, whether the answers hold or not
    (it was read up to three times: the rule's check, its error, then the answers kept)."""
    viewer = jan.viewer()
    form = technical(jan, viewer)
    questions = len(PALO_ALTO.questions)
    calls: list[str] = []
    parse = Question.parse

    def counted(self: Question, raw: str) -> str:
        calls.append(self.id)
        return parse(self, raw)

    monkeypatch.setattr(Question, "parse", counted)
    jan.services.open_ticket(viewer, form)
    assert len(calls) == questions
    calls.clear()
    with pytest.raises(IncompleteAnswers):
        jan.services.open_ticket(viewer, technical(jan, viewer, answers={}))
    assert len(calls) == questions


def test_an_uncovered_asset_is_named_before_the_fields(jan: World) -> None:
    """The form drops an asset that is not covered, so that comes first; then the fields."""
    viewer = jan.viewer()
    with pytest.raises(AssetNotCovered):
        jan.services.open_ticket(viewer, OpenTicket(" ", "", asset_id="no-such-asset"))
    with pytest.raises(ValidationFailed) as error:
        jan.services.open_ticket(viewer, technical(jan, viewer, subject=" ", answers={}))
    assert error.value.fields == {"subject": "required"}


def test_open_ticket_decides_technical_or_administrative_from_the_asset(jan: World) -> None:
    viewer = jan.viewer()
    technical_one = jan.services.open_ticket(viewer, technical(jan, viewer))
    administrative = jan.services.open_ticket(viewer, OpenTicket(
        "Portal", "<p>x</p>", answers={"occurred_on": "junk"}))  # answers without an asset
    assert technical_one.kind is TicketKind.TECHNICAL
    assert administrative.kind is TicketKind.ADMINISTRATIVE and administrative.answers == {}


def test_the_ticket_page_gets_a_safe_description_and_its_questionnaire(jan: World) -> None:
    seen: list[str] = []

    def sanitize(html: str) -> str:
        seen.append(html)
        return jan.services.ports.sanitize(html)

    services = Services(evolve(jan.services.ports, sanitize=sanitize))
    viewer = jan.viewer()
    ticket = services.open_ticket(viewer, technical(jan, viewer))
    seen.clear()
    detail = services.ticket_detail(viewer, ticket.number)
    assert seen == [ticket.description]  # sanitised again on the way out, once
    assert detail.description == "<p>tunnel flaps</p>"
    assert detail.questionnaire == PALO_ALTO
    admin = services.open_ticket(viewer, OpenTicket("Portal", "<p>x</p>"))
    assert services.ticket_detail(viewer, admin.number).questionnaire is None


def test_the_list_page_says_when_it_was_made(jan: World) -> None:
    token = jan.sign_in()
    found = jan.services.list_tickets_for_session(token, TicketQuery())
    assert found is not None
    assert found.now == jan.services.ports.clock.now()


def test_a_description_shown_back_in_the_form_is_made_safe(jan: World) -> None:
    shown = jan.services.safe_description('<p onclick="x()">hi</p><script>bad()</script>')
    assert shown == "<p>hi</p>"
