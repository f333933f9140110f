"""Races on SQLite and PostgreSQL: threads, each with its own connection, hit one invariant."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest

from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import RetryableConflict, SqlUnitOfWork
from clico_core.audit import AuditKind
from clico_core.errors import ClicoError, ContractAlreadyActive, InvalidToken
from clico_core.mail import MailTemplate, OutgoingMail
from clico_core.services import OpenTicket, RegisterAccount, Viewer
from clico_core.testing import builders as b
from clico_core.tickets import TicketScope
from clico_core.values import Language

from ..support import PASSWORD
from .sql_support import race, sql_world

NEW_PASSWORD = "a brand new passphrase 2026"


@pytest.fixture(scope="module")
def hasher() -> Argon2Hasher:
    return Argon2Hasher.minimum()


def _viewers(world, db, count: int) -> list[Viewer]:  # type: ignore[no-untyped-def]
    company = b.company("Customer")
    accounts = [b.account(company.id) for _ in range(count)]
    with db.uow_factory() as uow:
        uow.companies.add(company)
        for account in accounts:
            uow.accounts.add(account)
        uow.commit()
    return [Viewer(a, f"session-{a.id}", (), TicketScope(frozenset({company.id})))
            for a in accounts]


def test_one_account_activating_one_contract_20_times_at_once_activates_it_once(
        database_url: str, hasher: Argon2Hasher) -> None:
    with sql_world(database_url, hasher) as (world, db):
        issued = world.issue("C-RACE", valid_from=world.today)
        viewer = _viewers(world, db, 1)[0]
        outcomes = race(20, lambda _: world.services.activate_contract(
            viewer, "C-RACE", issued.activation_key))
        errors = [o for o in outcomes if isinstance(o, BaseException)]
        assert len(outcomes) - len(errors) == 1
        assert all(isinstance(e, ContractAlreadyActive) for e in errors), errors
        with db.uow_factory(readonly=True) as uow:
            assert len(uow.contracts.activations_of(issued.contract.id)) == 1
            activated = [e for e in uow.audit.recent() if e.kind is AuditKind.CONTRACT_ACTIVATED]
        assert len(activated) == 1
        assert [m.mail.template for m in db.mail_queue.all()] == [MailTemplate.CONTRACT_ACTIVATED]


def test_20_accounts_activating_one_contract_at_once_all_succeed(
        database_url: str, hasher: Argon2Hasher) -> None:
    with sql_world(database_url, hasher) as (world, db):
        issued = world.issue("C-SHARED", valid_from=world.today)
        viewers = _viewers(world, db, 20)
        outcomes = race(20, lambda i: world.services.activate_contract(
            viewers[i], "C-SHARED", issued.activation_key))
        assert [o for o in outcomes if isinstance(o, BaseException)] == []
        with db.uow_factory(readonly=True) as uow:
            assert len(uow.contracts.activations_of(issued.contract.id)) == 20


def test_20_redemptions_of_one_reset_token_change_the_password_once(
        database_url: str, hasher: Argon2Hasher) -> None:
    with sql_world(database_url, hasher) as (world, db):
        world.register("jan", contract=world.issue())
        world.services.request_password_reset("jan")
        secret = world.secret_from(MailTemplate.PASSWORD_RESET)
        with db.uow_factory(readonly=True) as uow:
            before = uow.accounts.get_by_login("jan")
        assert before is not None
        outcomes = race(20, lambda _: world.services.reset_password(
            secret, NEW_PASSWORD, NEW_PASSWORD))
        errors = [o for o in outcomes if isinstance(o, BaseException)]
        assert len(outcomes) - len(errors) == 1
        assert all(isinstance(e, InvalidToken) for e in errors), errors
        with db.uow_factory(readonly=True) as uow:
            after = uow.accounts.get_by_login("jan")
            changed = [e for e in uow.audit.recent() if e.kind is AuditKind.PASSWORD_CHANGED]
        assert after is not None and after.security_stamp == before.security_stamp + 1
        assert hasher.verify(after.password_hash, NEW_PASSWORD)
        assert len(changed) == 1
        templates = Counter(m.mail.template for m in db.mail_queue.all())
        assert templates[MailTemplate.PASSWORD_CHANGED] == 1


def test_50_tickets_created_at_once_get_50_distinct_numbers(
        database_url: str, hasher: Argon2Hasher) -> None:
    with sql_world(database_url, hasher) as (world, db):
        viewer = _viewers(world, db, 1)[0]
        outcomes = race(50, lambda i: world.services.open_ticket(
            viewer, OpenTicket(f"Problem {i}", "<p>details</p>")))
        errors = [o for o in outcomes if isinstance(o, BaseException)]
        assert errors == []
        numbers = {o.number for o in outcomes if not isinstance(o, BaseException)}
        assert len(numbers) == 50
        with db.uow_factory(readonly=True) as uow:
            assert all(uow.tickets.get_by_number(n) is not None for n in numbers)


def test_a_double_submitted_form_makes_one_ticket(database_url: str,
                                                  hasher: Argon2Hasher) -> None:
    with sql_world(database_url, hasher) as (world, db):
        viewer = _viewers(world, db, 1)[0]
        outcomes = race(10, lambda _: world.services.open_ticket(
            viewer, OpenTicket("Twice", "<p>clicked twice</p>", idempotency_key="form-1")))
        assert not [o for o in outcomes if isinstance(o, BaseException | ClicoError)]
        assert len({o.number for o in outcomes if not isinstance(o, BaseException)}) == 1


def test_mail_workers_claiming_at_once_never_share_a_message(database_url: str,
                                                             hasher: Argon2Hasher) -> None:
    with sql_world(database_url, hasher) as (_, db):
        with db.uow_factory() as uow:
            for i in range(60):
                uow.outbox.add(OutgoingMail(MailTemplate.SIGN_IN_CODE, f"u{i}@example.com",
                                            Language.PL, {"code": "123456"}), b.T0)
            uow.commit()
        claimed: list[str] = []
        lock = threading.Lock()

        def worker(_: int) -> None:
            while batch := db.mail_queue.claim_due(b.T0, 3, timedelta(minutes=5)):
                with lock:
                    claimed.extend(m.id for m in batch)

        assert [o for o in race(8, worker) if o is not None] == []
        assert len(claimed) == 60 and len(set(claimed)) == 60


def test_a_deadlock_is_a_retryable_conflict_and_run_retries_it(
        postgres_url: str, hasher: Argon2Hasher) -> None:
    """Two transactions lock two rows in opposite orders: PostgreSQL aborts one (40P01);
    the unit of work reports it as ``RetryableConflict`` and ``SqlDatabase.run`` runs
    the loser again."""
    with sql_world(postgres_url, hasher) as (world, db):
        first, second = (v.account for v in _viewers(world, db, 2))
        both_locked_one = threading.Barrier(2)
        calls = Counter[int]()
        conflicts: list[BaseException] = []

        def swap(index: int) -> None:
            mine, theirs = (first, second) if index == 0 else (second, first)

            def action(uow: SqlUnitOfWork) -> None:
                calls[index] += 1
                mine.phone = theirs.phone = f"+48 600 000 00{index}"
                uow.accounts.update(mine)
                if calls[index] == 1:
                    both_locked_one.wait(timeout=10)
                try:
                    uow.accounts.update(theirs)
                except RetryableConflict as conflict:
                    conflicts.append(conflict)
                    raise

            db.run(action)

        assert [o for o in race(2, swap) if o is not None] == []
        assert len(conflicts) == 1
        assert sorted(calls.values()) == [1, 2]


def test_a_stale_copy_never_overwrites_a_concurrent_disable(database_url: str,
                                                            hasher: Argon2Hasher) -> None:
    """A write unit of work that read the account holds it until it commits, so an operator
    disabling the account meanwhile waits and then wins (no lost update)."""
    with sql_world(database_url, hasher) as (world, db):
        world.register("jan", contract=world.issue())
        read = threading.Event()

        def slow_writer() -> None:
            with db.uow_factory() as uow:
                account = uow.accounts.get_by_login("jan")
                assert account is not None
                read.set()
                threading.Event().wait(0.5)  # the operator acts now
                account.phone = "+48 600 999 999"
                uow.accounts.update(account)
                uow.commit()

        writer = threading.Thread(target=slow_writer)
        writer.start()
        assert read.wait(10)
        world.services.disable_account("jan")
        writer.join(10)
        with db.uow_factory(readonly=True) as uow:
            account = uow.accounts.get_by_login("jan")
        assert account is not None and account.state.value == "disabled"
        assert account.phone == "+48 600 999 999"  # both changes are there


def test_a_resend_never_revives_a_session_ended_meanwhile(database_url: str,
                                                          hasher: Argon2Hasher) -> None:
    with sql_world(database_url, hasher) as (world, db):
        world.register("jan", contract=world.issue())
        from clico_core.services import SignIn
        from clico_core.services.signin import session_hash

        step = world.services.sign_in(SignIn("jan", "correct horse battery staple"))
        world.clock.advance(timedelta(minutes=1))
        read = threading.Event()

        def slow_resend() -> None:
            with db.uow_factory() as uow:
                pending = uow.sessions.get(session_hash(step.session_token))
                assert pending is not None
                read.set()
                threading.Event().wait(0.5)  # the user signs out now
                pending.codes_sent += 1
                uow.sessions.update(pending)
                uow.commit()

        resender = threading.Thread(target=slow_resend)
        resender.start()
        assert read.wait(10)
        world.services.sign_out(step.session_token)
        resender.join(10)
        with db.uow_factory(readonly=True) as uow:
            ended = uow.sessions.get(session_hash(step.session_token))
        assert ended is not None and ended.revoked_at is not None


def test_20_claims_of_one_key_at_once_give_it_to_one(database_url: str,
                                                     hasher: Argon2Hasher) -> None:
    with sql_world(database_url, hasher) as (_, db):

        def claim(_: int) -> bool:
            with db.uow_factory() as uow:
                won = uow.attempts.claim("notice:a@example.com", b.T0, b.T0 + timedelta(hours=1))
                uow.commit()
                return won

        assert sorted(race(20, claim), key=str) == [False] * 19 + [True]


def _sign_up(issued, login: str, email: str, n: int) -> RegisterAccount:  # type: ignore[no-untyped-def]
    return RegisterAccount(login, email, "Jan", "Kowalski", PASSWORD, PASSWORD,
                           "+48 600 100 200", issued.contract.number, issued.activation_key,
                           "Acme", client=f"198.51.100.{n}")


def test_20_sign_ups_with_a_registered_email_at_once_mail_its_owner_once(
        database_url: str, hasher: Argon2Hasher) -> None:
    with sql_world(database_url, hasher) as (world, db):
        world.register("jan", contract=world.issue("C-JAN"))
        issued = world.issue()
        outcomes = race(20, lambda i: world.services.register_account(
            _sign_up(issued, f"probe{i}", "jan@example.com", i)))
        assert outcomes == [None] * 20  # every one answered alike
        notices = [m for m in db.mail_queue.all()
                   if m.mail.template is MailTemplate.ACCOUNT_EXISTS]
        assert [m.mail.to for m in notices] == ["jan@example.com"]


def test_20_sign_ups_with_one_free_login_at_once_make_one_account_and_answer_alike(
        database_url: str, hasher: Argon2Hasher) -> None:
    with sql_world(database_url, hasher) as (world, db):
        issued = world.issue()
        outcomes = race(20, lambda i: world.services.register_account(
            _sign_up(issued, "ola", f"ola{i}@example.com", i)))
        assert outcomes == [None] * 20  # the losers never hear "login taken"
        templates = Counter(m.mail.template for m in db.mail_queue.all())
        assert templates == {MailTemplate.CONFIRM_EMAIL: 1, MailTemplate.LOGIN_TAKEN: 19}
        with db.uow_factory(readonly=True) as uow:
            account = uow.accounts.get_by_login("ola")
        assert account is not None
        told = {m.mail.to for m in db.mail_queue.all()} - {account.email}
        assert len(told) == 19
