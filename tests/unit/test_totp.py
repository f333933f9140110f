"""An authenticator app (TOTP) as the second sign-in step: enrolment, ±1 step, no replay."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from clico_core.errors import InvalidCode, InvalidCredentials, SignInExpired, ValidationFailed
from clico_core.mail import MailTemplate
from clico_core.services import SignIn
from clico_core.sessions import SecondFactor

from ..support import PASSWORD, World


@pytest.fixture
def jan(world: World) -> World:
    world.register(contract=world.issue())
    return world


def _now(world: World):  # type: ignore[no-untyped-def]
    return world.services.ports.clock.now()


def _enrol(world: World) -> pyotp.TOTP:
    viewer = world.viewer()
    setup = world.services.begin_totp(viewer)
    assert setup.uri.startswith("otpauth://totp/") and "issuer=CLICO" in setup.uri
    totp = pyotp.TOTP(setup.secret)
    world.services.enable_totp(viewer, setup.secret, totp.at(_now(world)), PASSWORD)
    return totp


def test_enrolled_account_signs_in_with_the_app_not_the_mail(jan: World) -> None:
    totp = _enrol(jan)
    mails = len(jan.mails.all())
    jan.clock.advance(timedelta(seconds=30))
    step = jan.services.sign_in(SignIn("jan", PASSWORD))
    assert step.second_factor is SecondFactor.TOTP and not step.complete
    assert len(jan.mails.all()) == mails  # no e-mailed code
    done = jan.services.verify_code(step.session_token, totp.at(_now(jan)))
    assert done.complete and jan.services.authenticate(done.session_token) is not None


def test_a_code_is_accepted_once(jan: World) -> None:
    totp = _enrol(jan)
    jan.clock.advance(timedelta(seconds=30))
    code = totp.at(_now(jan))
    first = jan.services.sign_in(SignIn("jan", PASSWORD))
    jan.services.verify_code(first.session_token, code)
    second = jan.services.sign_in(SignIn("jan", PASSWORD))
    with pytest.raises(InvalidCode):
        jan.services.verify_code(second.session_token, code)  # replay of the same step


def test_one_step_of_drift_either_way_and_no_more(jan: World) -> None:
    totp = _enrol(jan)
    jan.clock.advance(timedelta(minutes=5))
    now = _now(jan)
    step = jan.services.sign_in(SignIn("jan", PASSWORD))
    for far in (now - timedelta(seconds=90), now + timedelta(seconds=90)):
        with pytest.raises(InvalidCode):
            jan.services.verify_code(step.session_token, totp.at(far))
    assert jan.services.verify_code(step.session_token,
                                    totp.at(now - timedelta(seconds=30))).complete


def test_wrong_app_codes_are_limited_like_mailed_ones(jan: World) -> None:
    totp = _enrol(jan)
    jan.clock.advance(timedelta(seconds=30))
    step = jan.services.sign_in(SignIn("jan", PASSWORD))
    for _ in range(4):
        with pytest.raises(InvalidCode):
            jan.services.verify_code(step.session_token, "000000x")
    with pytest.raises(SignInExpired):
        jan.services.verify_code(step.session_token, "12345")
    with pytest.raises(SignInExpired):
        jan.services.verify_code(step.session_token, totp.at(_now(jan)))


def test_enrolment_needs_a_correct_first_code(jan: World) -> None:
    viewer = jan.viewer()
    setup = jan.services.begin_totp(viewer)
    with pytest.raises(InvalidCode):
        jan.services.enable_totp(viewer, setup.secret, "000000", PASSWORD)
    with pytest.raises(ValidationFailed):
        jan.services.enable_totp(viewer, "not base32!", "000000", PASSWORD)
    with pytest.raises(ValidationFailed):
        jan.services.enable_totp(viewer, "A" * 33, "000000", PASSWORD)  # not decodable
    now = jan.services.ports.clock.now()
    with pytest.raises(InvalidCredentials):  # a stolen session alone cannot switch it on
        jan.services.enable_totp(viewer, setup.secret, pyotp.TOTP(setup.secret).at(now),
                                 "not the password")
    step = jan.services.sign_in(SignIn("jan", PASSWORD))
    assert step.second_factor is SecondFactor.EMAIL  # nothing changed


def test_disabling_needs_the_password_and_brings_back_mailed_codes(jan: World) -> None:
    _enrol(jan)
    jan.clock.advance(timedelta(seconds=30))
    totp_viewer = jan.services.authenticate(jan.services.verify_code(
        jan.services.sign_in(SignIn("jan", PASSWORD)).session_token,
        pyotp.TOTP(_secret(jan)).at(_now(jan))).session_token)
    assert totp_viewer is not None
    with pytest.raises(InvalidCredentials):
        jan.services.disable_totp(totp_viewer, "wrong password 123")
    jan.services.disable_totp(totp_viewer, PASSWORD)
    step = jan.services.sign_in(SignIn("jan", PASSWORD))
    assert step.second_factor is SecondFactor.EMAIL
    assert jan.last_mail(MailTemplate.SIGN_IN_CODE)


def _secret(world: World) -> str:
    with world.services.ports.uow(readonly=True) as uow:
        account = uow.accounts.get_by_login("jan")
    assert account is not None and account.totp_secret
    return account.totp_secret


def test_changes_are_mailed_and_operators_can_reset(jan: World) -> None:
    _enrol(jan)
    mail = jan.last_mail(MailTemplate.TWO_FACTOR_CHANGED).mail
    assert mail.to == "jan@example.com" and mail.context["enabled"] == "yes"
    account = jan.services.reset_two_factor("jan@example.com")
    assert account.totp_secret is None
    assert jan.last_mail(MailTemplate.TWO_FACTOR_CHANGED).mail.context["enabled"] == "no"
    assert jan.services.sign_in(SignIn("jan", PASSWORD)).second_factor is SecondFactor.EMAIL
