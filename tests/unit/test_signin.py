"""Signing in: password step, e-mailed code, sessions, limits and enumeration resistance."""

from __future__ import annotations

from datetime import timedelta

import argon2
import pytest

from clico_adapters.passwords import Argon2Hasher
from clico_core.accounts import AccountState
from clico_core.errors import (
    AccountDisabled,
    AccountNotConfirmed,
    InvalidCode,
    InvalidCredentials,
    SignInExpired,
    TooManyAttempts,
)
from clico_core.mail import MailTemplate
from clico_core.services import SignIn

from ..support import PASSWORD, World


@pytest.fixture
def jan(world: World) -> World:
    world.register(contract=world.issue())
    return world


def _code(world: World) -> str:
    return world.last_mail(MailTemplate.SIGN_IN_CODE).mail.context["code"]


def test_password_then_code_signs_in_and_rotates_the_session(jan: World) -> None:
    step = jan.services.sign_in(SignIn("jan", PASSWORD))
    assert not step.complete
    assert jan.services.authenticate(step.session_token) is None  # half-signed-in sees nothing
    code = _code(jan)
    assert len(code) == 6 and code.isdigit()
    done = jan.services.verify_code(step.session_token, code)
    assert done.complete and done.session_token != step.session_token
    viewer = jan.services.authenticate(done.session_token)
    assert viewer is not None and viewer.account.login == "jan"
    with pytest.raises(SignInExpired):  # the code and the pending session are single use
        jan.services.verify_code(step.session_token, code)


def test_email_works_as_login(jan: World) -> None:
    step = jan.services.sign_in(SignIn("JAN@example.com", PASSWORD))
    assert not step.complete


def test_unknown_account_and_wrong_password_look_the_same(jan: World) -> None:
    for login, password in (("nobody", PASSWORD), ("jan", "wrong password 123")):
        with pytest.raises(InvalidCredentials) as error:
            jan.services.sign_in(SignIn(login, password))
        assert str(error.value) == "invalid_credentials"


def test_unknown_account_costs_one_hash(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    hasher = world.services.ports.hasher
    original = hasher.dummy_verify

    def counting(password: str) -> None:
        calls.append(password)
        original(password)

    monkeypatch.setattr(hasher, "dummy_verify", counting)
    with pytest.raises(InvalidCredentials):
        world.services.sign_in(SignIn("nobody", PASSWORD))
    assert calls == [PASSWORD]


def test_five_wrong_codes_end_the_pending_sign_in(jan: World) -> None:
    step = jan.services.sign_in(SignIn("jan", PASSWORD))
    right = _code(jan)
    wrong = "000000" if right != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(InvalidCode) as error:
            jan.services.verify_code(step.session_token, wrong)
        assert error.value.attempts_left == left
    with pytest.raises(SignInExpired):
        jan.services.verify_code(step.session_token, wrong)
    with pytest.raises(SignInExpired):
        jan.services.verify_code(step.session_token, right)


def test_code_expires_after_ten_minutes(jan: World) -> None:
    step = jan.services.sign_in(SignIn("jan", PASSWORD))
    jan.clock.advance(timedelta(minutes=10, seconds=1))
    with pytest.raises(SignInExpired):
        jan.services.verify_code(step.session_token, _code(jan))


def test_resend_is_throttled_and_does_not_forgive_failures(jan: World) -> None:
    step = jan.services.sign_in(SignIn("jan", PASSWORD))
    first = _code(jan)
    with pytest.raises(TooManyAttempts):
        jan.services.resend_code(step.session_token)
    for _ in range(3):
        with pytest.raises(InvalidCode):
            jan.services.verify_code(step.session_token, "bad")
    jan.clock.advance(timedelta(seconds=31))
    jan.services.resend_code(step.session_token)
    second = _code(jan)
    with pytest.raises(InvalidCode) as error:
        jan.services.verify_code(step.session_token, first if first != second else "bad")
    assert error.value.attempts_left == 1
    assert jan.services.verify_code(step.session_token, second).complete


def test_wrong_codes_are_capped_per_account_across_sign_ins(jan: World) -> None:
    for _ in range(4):
        step = jan.services.sign_in(SignIn("jan", PASSWORD))
        for _ in range(5):
            with pytest.raises((InvalidCode, SignInExpired)):
                jan.services.verify_code(step.session_token, "bad")
    with pytest.raises(TooManyAttempts):
        jan.services.sign_in(SignIn("jan", PASSWORD))


def test_unconfirmed_and_disabled_accounts_cannot_sign_in(world: World) -> None:
    world.register("ola", contract=world.issue(), confirm=False)
    with pytest.raises(AccountNotConfirmed):
        world.services.sign_in(SignIn("ola", PASSWORD))
    world.services.confirm_email(world.secret_from(MailTemplate.CONFIRM_EMAIL))
    world.services.disable_account("ola")
    with pytest.raises(AccountDisabled):
        world.services.sign_in(SignIn("ola", PASSWORD))


def test_disabling_ends_sessions_at_once(jan: World) -> None:
    token = jan.sign_in()
    jan.services.disable_account("jan@example.com")
    assert jan.services.authenticate(token) is None


def test_sign_out_ends_the_session(jan: World) -> None:
    token = jan.sign_in()
    jan.services.sign_out(token)
    assert jan.services.authenticate(token) is None
    jan.services.sign_out(token)  # idempotent


def test_idle_and_absolute_timeouts(jan: World) -> None:
    token = jan.sign_in()
    jan.clock.advance(timedelta(minutes=29))
    assert jan.services.authenticate(token) is not None
    jan.clock.advance(timedelta(minutes=30, seconds=1))
    assert jan.services.authenticate(token) is None
    token = jan.sign_in()
    for _ in range(25):  # active all the time, but 12 h is the ceiling
        jan.clock.advance(timedelta(minutes=29))
        alive = jan.services.authenticate(token) is not None
    assert not alive


def test_weaker_hash_is_upgraded_on_sign_in(jan: World) -> None:
    weak = Argon2Hasher(argon2.Parameters(type=argon2.Type.ID, version=19, salt_len=16,
                                          hash_len=32, time_cost=1, memory_cost=8 * 1024,
                                          parallelism=1))
    with jan.services.ports.uow() as uow:
        account = uow.accounts.get_by_login("jan")
        assert account is not None
        account.password_hash = weak.hash(PASSWORD)
        uow.accounts.update(account)
        uow.commit()
    jan.sign_in()
    with jan.services.ports.uow() as uow:
        account = uow.accounts.get_by_login("jan")
    assert account is not None
    parameters = argon2.extract_parameters(account.password_hash)
    assert parameters.type is argon2.Type.ID
    assert parameters.memory_cost >= 19 * 1024 and parameters.time_cost >= 2


def test_migrated_account_is_sent_to_password_reset(world: World) -> None:
    from clico_core.errors import PasswordResetRequired
    from clico_core.services import MigratedAccount

    world.services.import_migrated_accounts(
        [MigratedAccount(2, "old@example.com", "Ola", "Nowak", "", "Acme")])
    with pytest.raises(PasswordResetRequired):
        world.services.sign_in(SignIn("old@example.com", "anything at all 1"))
    with world.services.ports.uow() as uow:
        account = uow.accounts.get_by_email("old@example.com")
    assert account is not None and account.state is AccountState.MUST_RESET_PASSWORD
