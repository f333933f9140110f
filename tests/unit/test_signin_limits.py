"""The sign-in throttle: per typed identifier and address, per address, a slow-down per
identifier that never locks the owner out, and device cookies (docs/security.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

import argon2
import pytest

from clico_adapters.passwords import Argon2Hasher
from clico_core.devices import TrustedDevice
from clico_core.errors import InvalidCredentials, TooManyAttempts
from clico_core.mail import MailTemplate
from clico_core.services import SignIn, SignInStep

from ..support import PASSWORD, World

WRONG = "wrong password 123"


@pytest.fixture(scope="module")
def hasher() -> Argon2Hasher:
    """Below the production floor on purpose: these tests make hundreds of attempts and
    are about counting them, not about hashing."""
    return Argon2Hasher(argon2.Parameters(type=argon2.Type.ID, version=19, salt_len=16,
                                          hash_len=32, time_cost=1, memory_cost=64,
                                          parallelism=1))


@pytest.fixture
def jan(world: World) -> World:
    world.register(contract=world.issue())
    return world


def _complete(world: World, login: str = "jan", client: str = "203.0.113.9",
              devices: tuple[TrustedDevice, ...] = ()) -> SignInStep:
    """Both steps from ``client``; the completed step (with its device)."""
    step = world.services.sign_in(SignIn(login, PASSWORD, client, devices))
    if not step.complete:
        code = world.last_mail(MailTemplate.SIGN_IN_CODE).mail.context["code"]
        step = world.services.verify_code(step.session_token, code, client)
    assert step.complete and step.device is not None
    return step


def _fail(world: World, login: str, client: str,
          devices: tuple[TrustedDevice, ...] = ()) -> None:
    with pytest.raises(InvalidCredentials):
        world.services.sign_in(SignIn(login, WRONG, client, devices))


def _refused(world: World, login: str, client: str, password: str = WRONG,
             devices: tuple[TrustedDevice, ...] = ()) -> timedelta:
    with pytest.raises(TooManyAttempts) as error:
        world.services.sign_in(SignIn(login, password, client, devices))
    return error.value.retry_after


def _now(world: World) -> datetime:
    return world.services.ports.clock.now()


def _outcome(world: World, login: str, client: str) -> str:
    try:
        world.services.sign_in(SignIn(login, WRONG, client))
    except TooManyAttempts as error:
        return f"wait {error.retry_after}"
    except InvalidCredentials:
        return "wrong"
    return "signed in"


def test_one_address_is_limited_per_identifier_before_hashing(
        jan: World, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(10):
        _fail(jan, "jan", "198.51.100.1")
    hashes: list[str] = []
    hasher = jan.services.ports.hasher
    original = hasher.verify
    monkeypatch.setattr(hasher, "verify", lambda h, p: hashes.append(p) or original(h, p))
    wait = _refused(jan, "jan", "198.51.100.1", PASSWORD)
    assert hashes == []
    assert timedelta(minutes=4) < wait <= timedelta(minutes=5)
    _fail(jan, "ola", "198.51.100.1")  # the address may still try other identifiers


def test_one_address_is_limited_across_identifiers(jan: World) -> None:
    for i in range(20):
        _fail(jan, f"user{i}", "198.51.100.1")
    assert _refused(jan, "jan", "198.51.100.1", PASSWORD) <= timedelta(minutes=5)
    assert not jan.services.sign_in(SignIn("jan", PASSWORD, "198.51.100.2")).complete


def test_ipv6_clients_count_by_their_64(jan: World) -> None:
    for i in range(20):
        _fail(jan, f"user{i}", f"2001:db8::{i + 1:x}")
    _refused(jan, "jan", "2001:db8::ffff:1", PASSWORD)
    assert not jan.services.sign_in(SignIn("jan", PASSWORD, "2001:db8:0:1::1")).complete


def test_the_same_limits_whatever_spelling_of_one_identifier(jan: World) -> None:
    for typed in ("jan", "JAN", " Jan ", "ｊａｎ", "jAn") * 2:  # NFKC, trimmed, case-folded
        _fail(jan, typed, "198.51.100.1")
    _refused(jan, "jan", "198.51.100.1")
    for typed in ("jan@example.com", "JAN@EXAMPLE.COM", " Jan@Example.com ", "ｊan@example.com",
                  "Jan@example.COM") * 2:
        _fail(jan, typed, "198.51.100.2")
    _refused(jan, "jan@example.com", "198.51.100.2")


def test_the_throttle_tells_nothing_about_which_email_belongs_to_a_login(jan: World) -> None:
    """Failures on a login touch its e-mail form exactly as they touch an unknown login's."""

    def script(login: str, email: str, net: str) -> list[str]:
        for _ in range(10):
            _fail(jan, login, f"{net}.1")
        return [_outcome(jan, email, f"{net}.1"), _outcome(jan, email, f"{net}.2"),
                _outcome(jan, login, f"{net}.2"), _outcome(jan, login, f"{net}.1")]

    known = script("jan", "jan@example.com", "198.51.100")
    unknown = script("ghost", "ghost@example.com", "203.0.113")
    assert known == unknown
    assert known[:2] == ["wrong", "wrong"]  # the e-mail form is a separate identifier


def test_strangers_slow_an_identifier_down_but_never_lock_it(jan: World) -> None:
    """A botnet trying as fast as allowed, one fresh address per guess, for three days."""
    failures: list[datetime] = []
    refusals: list[timedelta] = []
    started, n = _now(jan), 0

    def guess() -> None:
        nonlocal n
        n += 1
        try:
            jan.services.sign_in(SignIn("jan", WRONG, f"10.{n // 250}.{n % 250}.1"))
        except InvalidCredentials:
            failures.append(_now(jan))
        except TooManyAttempts as error:
            refusals.append(error.retry_after)
            jan.clock.advance(error.retry_after)

    while _now(jan) - started < timedelta(days=3):
        guess()
    while failures[-1] != _now(jan):  # stop right after a stranger's failure
        guess()
    assert max(refusals) <= timedelta(hours=1)  # slowed, at worst an hour per guess
    day = timedelta(hours=24)
    busiest = max(sum(1 for t in failures if s <= t < s + day) for s in failures)
    assert busiest <= 40  # NIST: under 100 a day, even with the e-mail form on top
    # the owner, from a new browser in the middle of it, waits at most an hour
    wait = _refused(jan, "jan", "192.0.2.50", PASSWORD)
    assert wait <= timedelta(hours=1)
    jan.clock.advance(wait)
    assert not jan.services.sign_in(SignIn("jan", PASSWORD, "192.0.2.50")).complete


def test_a_browser_that_signed_in_before_is_not_slowed_by_strangers(jan: World) -> None:
    device = _complete(jan).device
    assert device is not None
    for i in range(10):
        _fail(jan, "jan", f"10.0.0.{i + 1}")
    _refused(jan, "jan", "192.0.2.50", PASSWORD)  # a new browser waits
    # the owner's browser, from an address of its own, signs in at once (both steps)
    again = _complete(jan, client="192.0.2.50", devices=(device,))
    assert again.device is not None and again.device.account_id == device.account_id


def test_a_device_cookie_of_another_account_or_out_of_date_does_not_count(jan: World) -> None:
    jan.register("ola", contract=jan.issue("C-2"))
    ola = _complete(jan, "ola").device
    mine = _complete(jan).device
    assert ola is not None and mine is not None
    for i in range(10):
        _fail(jan, "jan", f"10.0.0.{i + 1}")
    _refused(jan, "jan", "192.0.2.50", PASSWORD, devices=(ola,))
    assert not jan.services.sign_in(SignIn("jan", PASSWORD, "192.0.2.50", (ola, mine))).complete
    jan.clock.advance(timedelta(days=365))
    for i in range(10):
        _fail(jan, "jan", f"10.0.1.{i + 1}")
    _refused(jan, "jan", "192.0.2.51", PASSWORD, devices=(mine,))  # a year old: expired


def test_a_stolen_device_cookie_is_limited_on_its_own(jan: World) -> None:
    device = _complete(jan).device
    assert device is not None
    for i in range(10):  # a new address each time: only the device's own counter grows
        _fail(jan, "jan", f"10.0.0.{i + 1}", (device,))
    wait = _refused(jan, "jan", "10.0.0.99", PASSWORD, devices=(device,))
    assert timedelta(minutes=4) < wait <= timedelta(minutes=5)
    # those failures counted under the device, not the slow-down every browser shares
    assert not jan.services.sign_in(SignIn("jan", PASSWORD, "192.0.2.50")).complete


def test_daily_limits_of_one_address_and_one_device(jan: World) -> None:
    device = _complete(jan).device
    assert device is not None
    for _block in range(10):  # 10 every 5 minutes from one address: 100 in 50 minutes
        for _ in range(10):
            _fail(jan, "jan", "198.51.100.1", (device,))
        jan.clock.advance(timedelta(minutes=5, seconds=1))
    wait = _refused(jan, "jan", "198.51.100.1", PASSWORD, devices=(device,))
    assert wait > timedelta(hours=23)
    assert _refused(jan, "jan", "198.51.100.2", PASSWORD, devices=(device,)) > timedelta(
        hours=23)  # the same device from elsewhere
    jan.clock.advance(wait)
    assert not jan.services.sign_in(SignIn("jan", PASSWORD, "198.51.100.1", (device,))).complete


def test_a_completed_sign_in_forgets_the_failures_from_its_address(jan: World) -> None:
    device = _complete(jan).device
    assert device is not None
    for block in range(10):  # 99 failures in 50 minutes, one short of the daily limit
        for _ in range(10 if block < 9 else 9):
            _fail(jan, "jan", "198.51.100.1", (device,))
        jan.clock.advance(timedelta(minutes=5, seconds=1))
    device = _complete(jan, client="198.51.100.1", devices=(device,)).device
    assert device is not None
    for _ in range(10):  # that address starts again from zero
        _fail(jan, "jan", "198.51.100.1", (device,))


def test_a_password_reset_lifts_the_slowdown(jan: World) -> None:
    for i in range(10):
        _fail(jan, "jan", f"10.0.0.{i + 1}")
        _fail(jan, "jan@example.com", f"10.0.1.{i + 1}")
    _refused(jan, "jan", "192.0.2.50", PASSWORD)
    jan.services.request_password_reset("jan@example.com", "192.0.2.50")
    new = "a brand new passphrase 42"
    jan.services.reset_password(jan.secret_from(MailTemplate.PASSWORD_RESET), new, new,
                                "192.0.2.50")
    for login in ("jan", "jan@example.com"):
        assert not jan.services.sign_in(SignIn(login, new, "192.0.2.50")).complete
