"""``list_tickets_for_session``: the session lookup and the ticket list in one read. It must
answer exactly as ``authenticate`` followed by ``list_tickets`` does, session rules included."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clico_core.accounts import AccountState
from clico_core.errors import ValidationFailed
from clico_core.services import OpenTicket, SignIn
from clico_core.tickets import TicketQuery

from ..support import PASSWORD, World


@pytest.fixture
def jan(world: World) -> World:
    world.register(contract=world.issue())
    return world


def _open_tickets(world: World, token: str, count: int) -> None:
    viewer = world.services.authenticate(token)
    assert viewer is not None
    for i in range(count):
        world.clock.advance(timedelta(minutes=1))  # newest first needs distinct times
        world.services.open_administrative_ticket(viewer, OpenTicket(f"Question {i}", "Text"))


def test_it_answers_as_authenticate_then_list_tickets(jan: World) -> None:
    token = jan.sign_in()
    _open_tickets(jan, token, 3)
    query = TicketQuery(page_size=25)
    found = jan.services.list_tickets_for_session(token, query)
    viewer = jan.services.authenticate(token)
    assert found is not None and viewer is not None
    assert found.viewer.account.id == viewer.account.id
    assert found.viewer.scope == viewer.scope
    assert [c.id for c in found.viewer.active_contracts] == [
        c.id for c in viewer.active_contracts]
    assert found.page == jan.services.list_tickets(viewer, query)
    assert [r.subject for r in found.page.rows] == ["Question 2", "Question 1", "Question 0"]


def test_no_page_without_a_full_live_session(jan: World) -> None:
    assert jan.services.list_tickets_for_session("no such token", TicketQuery()) is None
    pending = jan.services.sign_in(SignIn("jan", PASSWORD))  # waiting for its e-mailed code
    assert jan.services.list_tickets_for_session(pending.session_token, TicketQuery()) is None
    token = jan.sign_in()
    jan.services.sign_out(token)
    assert jan.services.list_tickets_for_session(token, TicketQuery()) is None
    token = jan.sign_in()
    jan.clock.advance(timedelta(minutes=31))  # idle timeout
    assert jan.services.list_tickets_for_session(token, TicketQuery()) is None


def test_a_disabled_account_sees_nothing_at_once(jan: World) -> None:
    token = jan.sign_in()
    with jan.services.ports.uow() as uow:
        account = uow.accounts.get_by_login("jan")
        assert account is not None
        account.state = AccountState.DISABLED
        uow.accounts.update(account)
        uow.commit()
    assert jan.services.list_tickets_for_session(token, TicketQuery()) is None


def test_a_bad_query_is_refused_before_anything_is_read(jan: World) -> None:
    with pytest.raises(ValidationFailed) as error:
        jan.services.list_tickets_for_session("no such token", TicketQuery(page_size=7))
    assert error.value.fields == {"page_size": "invalid_choice"}


def test_reading_the_list_keeps_the_session_alive(jan: World) -> None:
    token = jan.sign_in()
    for _ in range(4):  # 4 × 20 minutes: well past the 30-minute idle timeout in all
        jan.clock.advance(timedelta(minutes=20))
        assert jan.services.list_tickets_for_session(token, TicketQuery()) is not None
