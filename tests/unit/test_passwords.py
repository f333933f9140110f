"""Password rules, reset links and password changes."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from clico_core.errors import InvalidCredentials, InvalidToken, ValidationFailed
from clico_core.mail import MailTemplate
from clico_core.passwords import password_problem
from clico_core.services import MigratedAccount, SignIn

from ..support import PASSWORD, World

NEW = "a brand new passphrase"


@pytest.mark.parametrize(("password", "problem"), [
    ("correct horse battery", None),
    ("Zażółć gęślą jaźń 42", None),
    ("short", "password_too_short"),
    ("elevenchars", "password_too_short"),
    ("x" * 4097, "password_too_long"),
    ("passwordpassword", "password_too_common"),
    ("aaaaaaaaaaaaaaaa", "password_too_common"),
    ("Qwerty123456", "password_too_common"),
    ("i am kowalski forever", "password_contains_personal"),
    ("acme company secret", "password_contains_personal"),
    ("ｃｏｒｒｅｃｔ horse", None),  # NFKC-normalised, counted in characters
])
def test_password_rules(password: str, problem: str | None) -> None:
    assert password_problem(password, ["jan", "jan.k", "Jan", "Kowalski", "Acme"]) == problem


def _reset_link(world: World, who: str = "jan") -> str:
    world.services.request_password_reset(who)
    return world.secret_from(MailTemplate.PASSWORD_RESET)


@pytest.fixture
def jan(world: World) -> World:
    world.register(contract=world.issue())
    return world


def test_reset_answers_the_same_for_unknown_accounts(jan: World) -> None:
    before = len(jan.mails.all())
    assert jan.services.request_password_reset("nobody@example.com") is None
    assert len(jan.mails.all()) == before
    assert jan.services.request_password_reset("jan") is None
    assert len(jan.mails.all()) == before + 1


def test_reset_link_changes_the_password_once(jan: World) -> None:
    old_session = jan.sign_in()
    secret = _reset_link(jan)
    jan.services.check_reset_token(secret)
    jan.services.reset_password(secret, NEW, NEW)
    with pytest.raises(InvalidToken):
        jan.services.reset_password(secret, NEW + "!", NEW + "!")
    assert jan.services.authenticate(old_session) is None  # sessions ended
    assert jan.last_mail(MailTemplate.PASSWORD_CHANGED).mail.to == "jan@example.com"
    with pytest.raises(InvalidCredentials):
        jan.sign_in(password=PASSWORD)
    assert jan.sign_in(password=NEW)


def test_reset_link_expires_in_an_hour(jan: World) -> None:
    secret = _reset_link(jan)
    jan.clock.advance(timedelta(hours=1, seconds=1))
    with pytest.raises(InvalidToken):
        jan.services.reset_password(secret, NEW, NEW)


def test_reset_link_dies_when_the_account_signs_in(jan: World) -> None:
    secret = _reset_link(jan)
    jan.sign_in()
    with pytest.raises(InvalidToken):
        jan.services.check_reset_token(secret)


def test_a_newer_reset_kills_older_links_once_used(jan: World) -> None:
    first = _reset_link(jan)
    jan.clock.advance(timedelta(minutes=1))
    second = _reset_link(jan)
    jan.services.reset_password(second, NEW, NEW)
    with pytest.raises(InvalidToken):
        jan.services.reset_password(first, NEW, NEW)


def test_reset_validates_the_new_password(jan: World) -> None:
    secret = _reset_link(jan)
    with pytest.raises(ValidationFailed) as error:
        jan.services.reset_password(secret, "short", "other")
    assert error.value.fields == {"password": "password_too_short",
                                  "password_confirm": "passwords_differ"}
    jan.services.reset_password(secret, NEW, NEW)  # the link survived the bad attempt


def test_reset_requests_are_rate_limited_silently(jan: World) -> None:
    for _ in range(3):
        jan.services.request_password_reset("jan")
    count = len(jan.mails.all())
    jan.services.request_password_reset("jan")
    assert len(jan.mails.all()) == count


def test_alternating_login_and_email_does_not_double_the_limit(jan: World) -> None:
    before = len(jan.mails.all())
    for who in ("jan", "jan@example.com", " JAN ", "JAN@example.com") * 3:
        jan.services.request_password_reset(who)
    assert len(jan.mails.all()) - before == 3


def test_parallel_redemptions_change_the_password_once(jan: World) -> None:
    secret = _reset_link(jan)
    outcomes: list[str] = []

    def redeem(i: int) -> None:
        try:
            jan.services.reset_password(secret, f"{NEW} {i:02d}", f"{NEW} {i:02d}")
            outcomes.append("ok")
        except InvalidToken:
            outcomes.append("invalid")

    threads = [threading.Thread(target=redeem, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["invalid"] * 19 + ["ok"]


def test_migrated_account_resets_then_signs_in_with_its_email(world: World) -> None:
    world.services.import_migrated_accounts(
        [MigratedAccount(2, "old@example.com", "Ola", "Nowak", "", "Acme")])
    secret = _reset_link(world, "old@example.com")
    world.services.reset_password(secret, NEW, NEW)
    assert world.sign_in("old@example.com", NEW)


def test_change_password_needs_the_current_one_and_ends_other_sessions(jan: World) -> None:
    other = jan.sign_in()
    token = jan.sign_in()
    viewer = jan.services.authenticate(token)
    assert viewer is not None
    with pytest.raises(InvalidCredentials):
        jan.services.change_password(viewer, "not my password", NEW, NEW)
    jan.services.change_password(viewer, PASSWORD, NEW, NEW)
    assert jan.services.authenticate(token) is not None
    assert jan.services.authenticate(other) is None
    assert jan.last_mail(MailTemplate.PASSWORD_CHANGED)
    with pytest.raises(InvalidCredentials):
        jan.services.sign_in(SignIn("jan", PASSWORD))


def test_wrong_current_passwords_are_rate_limited(jan: World) -> None:
    from clico_core.errors import TooManyAttempts

    viewer = jan.services.authenticate(jan.sign_in())
    assert viewer is not None
    for _ in range(10):
        with pytest.raises(InvalidCredentials):
            jan.services.change_password(viewer, "guess guess guess", NEW, NEW)
    with pytest.raises(TooManyAttempts):
        jan.services.change_password(viewer, PASSWORD, NEW, NEW)
