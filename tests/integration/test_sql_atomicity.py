"""A failure in the middle of a use case leaves nothing half-written, on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, event, func, select

from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql.tables import accounts, activations, outbox, ticket_answers, tickets
from clico_core.errors import ConcurrencyConflict, ValidationFailed
from clico_core.mail import MailTemplate
from clico_core.services import OpenTicket, RegisterAccount
from clico_core.testing import builders as b

from ..support import PALO_ALTO_ANSWERS, PASSWORD
from .sql_support import sql_world

NEW_PASSWORD = "a brand new passphrase 2026"


class Injected(Exception):
    """The simulated crash."""


@contextmanager
def failing_on(engine: Engine, statement_start: str) -> Iterator[None]:
    """Make the first statement starting with ``statement_start`` blow up."""
    def fail(conn, cursor, statement: str, *args):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(statement_start.upper()):
            raise Injected(statement_start)

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", fail)


def _count(engine: Engine, table) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.fixture(scope="module")
def hasher() -> Argon2Hasher:
    return Argon2Hasher.minimum()


def test_no_ticket_without_its_answers(database_url: str, hasher: Argon2Hasher) -> None:
    with sql_world(database_url, hasher) as (world, db):
        world.register("jan", contract=world.issue())
        viewer = world.viewer()
        asset = world.services.list_covered_assets(viewer).rows[0]
        mails = _count(db.engine, outbox)
        command = OpenTicket("VPN down", "<p>tunnel flaps</p>", asset_id=asset.id,
                             answers=PALO_ALTO_ANSWERS)
        with failing_on(db.engine, "INSERT INTO ticket_answers"), pytest.raises(Exception) as e:
            world.services.open_ticket(viewer, command)
        assert e.errisinstance(Injected)
        assert (_count(db.engine, tickets), _count(db.engine, ticket_answers)) == (0, 0)
        assert _count(db.engine, outbox) == mails
        # and the same use case then works: nothing was left locked or half-done
        ticket = world.services.open_ticket(viewer, command)
        assert (_count(db.engine, tickets), _count(db.engine, ticket_answers)) == (
            1, len(ticket.answers))


def test_no_account_without_its_contract(database_url: str, hasher: Argon2Hasher) -> None:
    with sql_world(database_url, hasher) as (world, db):
        issued = world.issue()
        command = RegisterAccount("jan", "jan@example.com", "Jan", "Kowalski", PASSWORD,
                                  PASSWORD, "+48 600 100 200", issued.contract.number,
                                  issued.activation_key, "Acme")
        with failing_on(db.engine, "INSERT INTO activations"), pytest.raises(Exception) as e:
            world.services.register_account(command)
        assert e.errisinstance(Injected)
        assert (_count(db.engine, accounts), _count(db.engine, activations)) == (0, 0)
        assert _count(db.engine, outbox) == 0
        world.services.register_account(command)
        assert (_count(db.engine, accounts), _count(db.engine, activations)) == (1, 1)


def test_no_state_change_without_its_mail(database_url: str, hasher: Argon2Hasher) -> None:
    with sql_world(database_url, hasher) as (world, db):
        world.register("jan", contract=world.issue())
        world.services.request_password_reset("jan")
        secret = world.secret_from(MailTemplate.PASSWORD_RESET)
        with db.uow_factory(readonly=True) as uow:
            before = uow.accounts.get_by_login("jan")
        assert before is not None
        with failing_on(db.engine, "INSERT INTO outbox"), pytest.raises(Exception) as e:
            world.services.reset_password(secret, NEW_PASSWORD, NEW_PASSWORD)
        assert e.errisinstance(Injected)
        with db.uow_factory(readonly=True) as uow:
            after = uow.accounts.get_by_login("jan")
        assert after is not None and after.password_hash == before.password_hash
        assert after.security_stamp == before.security_stamp
        # the token was not used up by the failed attempt
        world.services.reset_password(secret, NEW_PASSWORD, NEW_PASSWORD)
        assert world.last_mail(MailTemplate.PASSWORD_CHANGED) is not None


@contextmanager
def recorded(engine: Engine) -> Iterator[list[str]]:
    """The first word of every statement sent meanwhile (INSERT, SAVEPOINT, …)."""
    seen: list[str] = []

    def record(conn, cursor, statement: str, *args):  # type: ignore[no-untyped-def]
        seen.append(statement.lstrip().split(None, 1)[0].upper())

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_refused_insert_leaves_the_unit_of_work_usable(database_url: str,
                                                         hasher: Argon2Hasher) -> None:
    """A unique violation backs out that insert alone and the transaction goes on, with the
    error of the key that refused it. An insert that goes in is one statement on either
    engine: ``INSERT … ON CONFLICT DO NOTHING`` on PostgreSQL (a savepoint only to name the
    key of a row that went nowhere), SQLite's statement rollback there."""
    with sql_world(database_url, hasher) as (_, db):
        company = b.company()
        first = b.account(company.id, "anna")
        with db.uow_factory() as uow:
            uow.companies.add(company)
            uow.accounts.add(first)
            with pytest.raises(ValidationFailed):
                uow.accounts.add(b.account(company.id, "ANNA"))
            reporter = b.account(company.id, "bob")
            uow.accounts.add(reporter)
            with recorded(db.engine) as seen:
                uow.tickets.add(b.ticket(company.id, reporter.id, "CSS-1", idempotency_key="k"))
            assert seen == ["INSERT"]
            with pytest.raises(ConcurrencyConflict, match="idempotency key used"):
                uow.tickets.add(b.ticket(company.id, reporter.id, "CSS-2", idempotency_key="k"))
            with pytest.raises(ConcurrencyConflict, match="ticket number taken"):
                uow.tickets.add(b.ticket(company.id, reporter.id, "CSS-1"))
            uow.tickets.add(b.ticket(company.id, reporter.id, "CSS-3"))
            uow.commit()
        with db.uow_factory(readonly=True) as uow:
            assert {a.login for a in uow.accounts.list_for_companies()} == {"anna", "bob"}
            assert uow.tickets.get_by_number("CSS-1") is not None
            assert uow.tickets.get_by_number("CSS-2") is None
            assert uow.tickets.get_by_number("CSS-3") is not None
