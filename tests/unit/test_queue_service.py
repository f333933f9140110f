"""The staff queue's use cases on the in-memory adapters: the saved views, the choices, and
assigning or closing many tickets at once, all or nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from attrs import define

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import (
    MemoryMailQueue,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    SeededSecrets,
    SteppingClock,
)
from clico_adapters.passwords import Argon2Hasher
from clico_core.audit import AuditKind
from clico_core.errors import BulkRefused, NotFound, ValidationFailed
from clico_core.queue import QueueParams, QueueQuery, QueueView, read_queue
from clico_core.services import CreateStaff, OpenTicket, Viewer
from clico_core.ticket_query import ListParams
from clico_core.tickets import SortColumn, TicketQuery, TicketStatus

from ..support import PASSWORD, World

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@define
class Desk:
    world: World
    jan: Viewer
    ewa: Viewer
    ewa_token: str
    olek: Viewer
    numbers: list[str]

    def ticket(self, number: str):  # type: ignore[no-untyped-def]
        with self.world.services.ports.uow(readonly=True) as uow:
            return uow.tickets.get_by_number(number)

    def queue(self, view: str = "", token: str | None = None, **params: str) -> list[str]:
        found = self.world.services.queue_for_session(
            token or self.ewa_token, read_queue(QueueParams(
                view=view or None, list=ListParams(show_closed=params.pop("closed", None)),
                **params)))
        assert found is not None
        return [r.number for r in found.page.rows]


def _staff(world: World, email: str, first: str) -> tuple[Viewer, str]:
    _, path = world.services.create_staff_account(CreateStaff(email, first, "Inżynier"))
    world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    token = world.sign_in(email)
    viewer = world.services.authenticate(token)
    assert viewer is not None
    return viewer, token


@pytest.fixture
def desk(hasher: Argon2Hasher) -> Desk:
    store = MemoryStore()
    clock = SteppingClock(START, step=timedelta(seconds=1))
    services = bootstrap(uow=MemoryUnitOfWorkFactory(store, SeededSecrets(7).new_id),
                         clock=clock, secrets=SeededSecrets(42), hasher=hasher)
    world = World(services, clock, MemoryMailQueue(store), today=date(2026, 11, 25))
    acme = world.issue("C-1", "Acme")
    world.register("jan", contract=acme)
    jan = world.viewer("jan")
    numbers = [services.open_ticket(jan, OpenTicket(f"Problem {i}", "<p>x</p>")).number
               for i in range(4)]
    ewa, token = _staff(world, "ewa@clico.pl", "Ewa")
    olek, _ = _staff(world, "olek@clico.pl", "Olek")
    return Desk(world, jan, ewa, token, olek, numbers)


def test_the_saved_views(desk: Desk) -> None:
    services = desk.world.services
    first, second, third, fourth = desk.numbers
    assert sorted(desk.queue()) == sorted(desk.numbers)  # the default: Nieprzypisane
    services.assign_ticket(desk.ewa, first, desk.ewa.account.id)
    services.assign_ticket(desk.ewa, second, desk.olek.account.id)
    services.change_status(desk.ewa, third, TicketStatus.WAITING_FOR_CUSTOMER.value)
    services.close_ticket(desk.ewa, fourth)
    assert desk.queue("unassigned") == [third]
    assert desk.queue("mine") == [first]
    assert desk.queue("waiting") == [third]
    assert sorted(desk.queue("open")) == sorted([first, second, third])
    assert sorted(desk.queue("open", closed="1")) == sorted(desk.numbers)
    assert desk.queue("open", engineer=desk.olek.account.id) == [second]
    assert desk.queue("open", vendor="nobody") == []
    assert desk.queue("open", age="1") == []  # every ticket is younger than a day
    desk.world.clock.advance(timedelta(days=2))  # type: ignore[attr-defined]
    desk.ewa_token = desk.world.sign_in("ewa@clico.pl")  # the old session timed out
    assert sorted(desk.queue("open", age="1")) == sorted([first, second, third])


def test_a_view_reads_leniently() -> None:
    assert read_queue(QueueParams(view="everything", age="5")) == QueueQuery(
        QueueView.UNASSIGNED, TicketQuery(sort=SortColumn.DUE, descending=False))
    with pytest.raises(ValidationFailed):
        read_queue(QueueParams(list=ListParams(cursor="not-a-cursor")))


def test_customers_get_not_found(desk: Desk) -> None:
    services = desk.world.services
    token = desk.world.sign_in("jan")
    with pytest.raises(NotFound):
        services.queue_for_session(token, QueueQuery())
    for attempt in (lambda: services.queue_choices(desk.jan),
                    lambda: services.engineers(desk.jan),
                    lambda: services.bulk_assign(desk.jan, desk.numbers[:1], None),
                    lambda: services.bulk_close(desk.jan, desk.numbers[:1])):
        with pytest.raises(NotFound):
            attempt()
    assert desk.ticket(desk.numbers[0]).status is TicketStatus.NEW


def test_the_choices_list_every_company_and_engineer(desk: Desk) -> None:
    choices = desk.world.services.queue_choices(desk.ewa)
    assert {c.name for c in choices.companies} >= {"Acme", "CLICO"}
    assert [a.email for a in choices.engineers] == ["ewa@clico.pl", "olek@clico.pl"]


def test_bulk_assign_changes_every_ticket_with_history(desk: Desk) -> None:
    services = desk.world.services
    before = {n: desk.ticket(n).version for n in desk.numbers[:3]}
    assert services.bulk_assign(desk.ewa, desk.numbers[:3], desk.olek.account.id) == 3
    for number in desk.numbers[:3]:
        ticket = desk.ticket(number)
        assert ticket.assignee_id == desk.olek.account.id
        assert ticket.version == before[number] + 1
        kinds = [e.kind for e in services.ticket_history(desk.ewa, number)]
        assert kinds.count(AuditKind.TICKET_ASSIGNED) == 1
    assert services.ticket_detail(desk.ewa, desk.numbers[0]).assignee_name == "Olek Inżynier"


def test_one_ticket_refused_changes_nothing(desk: Desk) -> None:
    services = desk.world.services
    closed = desk.numbers[2]
    services.close_ticket(desk.ewa, closed)
    before = {n: desk.ticket(n).version for n in desk.numbers}
    events = len(desk.world.services.ticket_history(desk.ewa, desk.numbers[0]))
    with pytest.raises(BulkRefused) as refused:
        services.bulk_assign(desk.ewa, desk.numbers, desk.ewa.account.id)
    assert (refused.value.number, refused.value.reason) == (closed, "ticket_closed")
    with pytest.raises(BulkRefused) as refused:
        services.bulk_close(desk.ewa, desk.numbers)
    assert (refused.value.number, refused.value.reason) == (closed, "ticket_closed")
    with pytest.raises(BulkRefused) as refused:
        services.bulk_close(desk.ewa, [desk.numbers[0], "CSS-999999"])
    assert (refused.value.number, refused.value.reason) == ("CSS-999999", "not_found")
    for number in desk.numbers:  # the rows before the refused one were not kept either
        ticket = desk.ticket(number)
        assert ticket.version == before[number]
        assert ticket.assignee_id is None
        assert (ticket.status is TicketStatus.CLOSED) == (number == closed)
    assert len(services.ticket_history(desk.ewa, desk.numbers[0])) == events


def test_bulk_close_closes_every_ticket(desk: Desk) -> None:
    services = desk.world.services
    assert services.bulk_close(desk.ewa, desk.numbers[:2]) == 2
    for number in desk.numbers[:2]:
        assert desk.ticket(number).status is TicketStatus.CLOSED
        assert AuditKind.TICKET_STATUS_CHANGED in [
            e.kind for e in services.ticket_history(desk.ewa, number)]


def test_bulk_needs_tickets_and_an_engineer(desk: Desk) -> None:
    services = desk.world.services
    with pytest.raises(ValidationFailed) as empty:
        services.bulk_close(desk.ewa, ["", " "])
    assert empty.value.fields == {"tickets": "required"}
    with pytest.raises(ValidationFailed) as many:
        services.bulk_close(desk.ewa, [f"CSS-{i:06d}" for i in range(101)])
    assert many.value.fields == {"tickets": "too_many"}
    with pytest.raises(ValidationFailed) as customer:
        services.bulk_assign(desk.ewa, desk.numbers[:1], desk.jan.account.id)
    assert customer.value.fields == {"assignee": "invalid_choice"}
