"""Follow-up tickets: a closed ticket is reopened by a reply within 14 days of closing, and
followed up by a new ticket linking it after that; the boundary read from the Clock port."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from attrs import evolve

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import (
    MemoryMailQueue,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    SeededSecrets,
    SteppingClock,
)
from clico_adapters.passwords import Argon2Hasher
from clico_core.errors import NotFound, ValidationFailed
from clico_core.services import OpenTicket, ReplyOffer, Services, Viewer
from clico_core.testing import builders as b
from clico_core.ticket_status import FollowUpAllowed, StatusRules, follow_up_due
from clico_core.tickets import RelationType, TicketKind, TicketStatus

from ..support import PALO_ALTO_ANSWERS, World

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
JUST_BEFORE = timedelta(days=13, hours=23)
JUST_AFTER = timedelta(days=14, hours=1)
S = TicketStatus


def _closed(**changes: object):  # type: ignore[no-untyped-def]
    return evolve(b.ticket("co", "ac", "CSS-000001", status=S.CLOSED), closed_at=b.T0,
                  **changes)


@pytest.mark.parametrize(("since", "due"), [
    (JUST_BEFORE, False), (timedelta(days=14), False),
    (timedelta(days=14, microseconds=1), True), (JUST_AFTER, True)])
def test_a_closed_ticket_is_followed_up_only_after_14_days(since: timedelta, due: bool
                                                            ) -> None:
    rule = FollowUpAllowed(_closed(), b.T0 + since, StatusRules())
    assert follow_up_due(_closed(), b.T0 + since, StatusRules()) is due
    assert rule.is_broken() is not due
    if not due:
        error = rule.error()
        assert isinstance(error, ValidationFailed)
        assert error.fields == {"follows": "reopen_instead"}  # a reply reopens it instead


def test_an_open_ticket_is_never_followed_up() -> None:
    ticket = evolve(_closed(), status=S.OPEN, closed_at=None)
    rule = FollowUpAllowed(ticket, b.T0 + timedelta(days=400), StatusRules())
    assert rule.is_broken()
    assert rule.error().fields == {"follows": "not_closed"}  # type: ignore[attr-defined]


@pytest.fixture
def world(hasher: Argon2Hasher) -> World:
    store = MemoryStore()
    clock = SteppingClock(START, step=timedelta(seconds=1))
    services = bootstrap(uow=MemoryUnitOfWorkFactory(store, SeededSecrets(7).new_id),
                         clock=clock, secrets=SeededSecrets(42), hasher=hasher)
    world = World(services, clock, MemoryMailQueue(store), today=date(2026, 11, 25))
    acme = world.issue("C-1", "Acme")
    world.register("jan", contract=acme)
    world.register("ola", contract=acme, email="ola@example.com")
    beta = world.issue("C-2", "Beta")
    world.register("max", contract=beta, company="Beta")
    jan = world.viewer("jan")  # Jan works for Beta too
    services.activate_contract(jan, "C-2", beta.activation_key)
    return world


def _technical(services: Services, jan: Viewer) -> str:
    asset_id = services.list_covered_assets(jan).rows[0].id
    return services.open_ticket(jan, OpenTicket(
        "VPN down", "<p>The tunnel drops.</p>", priority="high", asset_id=asset_id,
        answers=PALO_ALTO_ANSWERS, relation_type="configuration")).number


def test_13_days_23_hours_after_closing_a_reply_reopens_and_no_follow_up_is_offered(
        world: World) -> None:
    services, jan = world.services, world.viewer("jan")
    number = _technical(services, jan)
    services.close_ticket(jan, number)
    world.clock.advance(JUST_BEFORE)
    assert services.conversation(jan, number).offer is ReplyOffer.REOPEN
    with pytest.raises(ValidationFailed) as draft:
        services.follow_up_draft(jan, number)
    assert draft.value.fields == {"follows": "reopen_instead"}
    with pytest.raises(ValidationFailed) as opened:
        services.open_ticket(jan, OpenTicket("Again", "<p>x</p>", follows=number))
    assert opened.value.fields == {"follows": "reopen_instead"}
    assert services.ticket_detail(jan, number).followed_by == ()


def test_14_days_1_hour_after_closing_a_follow_up_links_both_tickets(world: World) -> None:
    services, jan = world.services, world.viewer("jan")
    number = _technical(services, jan)
    old = services.ticket_detail(jan, number).ticket
    services.close_ticket(jan, number)
    world.clock.advance(JUST_AFTER)
    assert services.conversation(jan, number).offer is ReplyOffer.FOLLOW_UP
    draft = services.follow_up_draft(jan, number)
    assert (draft.follows, draft.subject, draft.kind, draft.relation_type, draft.asset_id) == (
        number, "VPN down", TicketKind.TECHNICAL, RelationType.CONFIGURATION,
        old.asset_ids[0])
    new = services.open_ticket(jan, OpenTicket(
        draft.subject, "<p>It is back.</p>", asset_id=draft.asset_id,
        answers=PALO_ALTO_ANSWERS, follows=draft.follows))
    assert new.follows_id == old.id
    assert services.ticket_detail(jan, new.number).follows == number
    assert services.ticket_detail(jan, number).followed_by == (new.number,)
    assert services.ticket_detail(jan, number).ticket.status is S.CLOSED  # stays closed


def test_another_companys_ticket_cannot_be_followed_up(world: World) -> None:
    services, jan, other = world.services, world.viewer("jan"), world.viewer("max")
    number = services.open_ticket(jan, OpenTicket("Billing", "<p>x</p>")).number
    with pytest.raises(ValidationFailed) as still_open:
        services.follow_up_draft(jan, number)
    assert still_open.value.fields == {"follows": "not_closed"}
    services.close_ticket(jan, number)
    world.clock.advance(JUST_AFTER)
    with pytest.raises(NotFound):
        services.follow_up_draft(other, number)
    with pytest.raises(ValidationFailed) as foreign:
        services.open_ticket(other, OpenTicket("Peek", "<p>x</p>", follows=number))
    assert foreign.value.fields == {"follows": "invalid"}
    draft = services.follow_up_draft(jan, number)
    assert (draft.kind, draft.asset_id) == (TicketKind.ADMINISTRATIVE, None)
    beta = other.account.company_id
    follow_up = services.open_ticket(world.viewer("jan"), OpenTicket(
        "For Beta", "<p>x</p>", company_id=beta, follows=number))
    assert follow_up.company_id == beta
    assert services.ticket_detail(world.viewer("jan"), number).followed_by == (
        follow_up.number,)
    assert services.ticket_detail(world.viewer("ola"), number).followed_by == ()  # Acme only
    assert services.ticket_detail(other, follow_up.number).follows is None  # Beta only
