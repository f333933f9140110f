"""Sign-up with a support certificate and e-mail confirmation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import define, evolve, field

from clico_adapters.passwords import Argon2Hasher
from clico_core.accounts import AccountState
from clico_core.errors import (
    InvalidContractKey,
    InvalidToken,
    TooManyAttempts,
    ValidationFailed,
)
from clico_core.mail import MailTemplate
from clico_core.ports import PasswordHasher
from clico_core.services import RegisterAccount

from ..support import PASSWORD, World


@define
class CountingHasher:
    """A real hasher that counts the argon2 work asked of it."""

    inner: PasswordHasher
    calls: list[str] = field(factory=list)

    def hash(self, password: str) -> str:
        self.calls.append("hash")
        return self.inner.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        self.calls.append("verify")
        return self.inner.verify(stored_hash, password)

    def needs_rehash(self, stored_hash: str) -> bool:
        return self.inner.needs_rehash(stored_hash)

    def dummy_verify(self, password: str) -> None:
        self.calls.append("dummy_verify")
        self.inner.dummy_verify(password)


@pytest.fixture
def hasher() -> CountingHasher:  # the ``world`` fixture hashes with this one here
    return CountingHasher(Argon2Hasher.minimum())




def _form(world: World, **changes: str) -> RegisterAccount:
    contract = world.issue()
    form = RegisterAccount("jan", "jan@example.com", "Jan", "Kowalski", PASSWORD, PASSWORD,
                           "+48 600 100 200", contract.contract.number, contract.activation_key,
                           "Acme")
    return evolve(form, **changes)


def _account(world: World, login: str = "jan"):  # type: ignore[no-untyped-def]
    with world.services.ports.uow() as uow:
        return uow.accounts.get_by_login(login)


def test_sign_up_activates_the_contract_and_mails_a_confirmation(world: World) -> None:
    world.services.register_account(_form(world))
    account = _account(world)
    assert account.state is AccountState.AWAITING_CONFIRMATION
    with world.services.ports.uow() as uow:
        assert [c.number for c in uow.contracts.active_for_account(account.id, world.today)] == [
            "C-1"]
    mail = world.last_mail(MailTemplate.CONFIRM_EMAIL)
    assert mail.mail.to == "jan@example.com"
    world.services.confirm_email(world.secret_from(MailTemplate.CONFIRM_EMAIL))
    assert _account(world).state is AccountState.ACTIVE


def test_confirmation_link_works_once(world: World) -> None:
    world.services.register_account(_form(world))
    secret = world.secret_from(MailTemplate.CONFIRM_EMAIL)
    world.services.confirm_email(secret)
    with pytest.raises(InvalidToken):
        world.services.confirm_email(secret)
    with pytest.raises(InvalidToken):
        world.services.confirm_email("not-a-token")


def test_confirmation_link_expires_after_a_day(world: World) -> None:
    world.services.register_account(_form(world))
    world.clock.advance(timedelta(hours=24, seconds=1))
    with pytest.raises(InvalidToken):
        world.services.confirm_email(world.secret_from(MailTemplate.CONFIRM_EMAIL))


def test_the_account_company_comes_from_the_contract_not_the_form(world: World) -> None:
    world.issue("C-9", "Victim Corp")
    world.services.register_account(_form(world, company="Victim Corp"))
    account = _account(world)
    with world.services.ports.uow() as uow:
        company = uow.companies.get(account.company_id)
    assert company is not None and company.name == "Acme"
    assert account.organisation == "Victim Corp"


def test_every_field_is_required(world: World) -> None:
    blank = RegisterAccount(*([""] * 10))
    with pytest.raises(ValidationFailed) as error:
        world.services.register_account(blank)
    assert set(error.value.fields) == {
        "login", "email", "first_name", "last_name", "password", "password_confirm", "phone",
        "contract_number", "activation_code", "company"}
    assert set(error.value.fields.values()) == {"required"}


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"email": "not-an-email"}, "email", "invalid_email"),
    ({"email": "(x)jan@example.com"}, "email", "invalid_email"),
    ({"email": "a,b@example.com"}, "email", "invalid_email"),
    ({"email": "ą@example.com"}, "email", "invalid_email"),
    ({"login": "a b"}, "login", "invalid_login"),
    ({"phone": "call me"}, "phone", "invalid_phone"),
    ({"password": "short", "password_confirm": "short"}, "password", "password_too_short"),
    ({"password_confirm": "something else entirely"}, "password_confirm", "passwords_differ"),
    ({"password": "jan-is-my-password", "password_confirm": "jan-is-my-password"}, "password",
     "password_contains_personal"),
    ({"first_name": "x" * 101}, "first_name", "invalid"),
    ({"company": "Acme\x00"}, "company", "invalid"),
])
def test_bad_fields_are_named(world: World, changes: dict[str, str], field: str,
                              code: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        world.services.register_account(_form(world, **changes))
    assert error.value.fields[field] == code
    assert _account(world) is None


NEUTRAL = {"contract_number": "invalid_contract_key", "activation_code": "invalid_contract_key"}


@pytest.mark.parametrize("changes", [{"contract_number": "C-404"},
                                     {"activation_code": "WRONG-KEY"}])
def test_an_unknown_number_and_a_wrong_key_get_one_answer(world: World,
                                                          changes: dict[str, str]) -> None:
    with pytest.raises(ValidationFailed) as error:
        world.services.register_account(_form(world, **changes))
    assert error.value.fields == NEUTRAL


def test_expired_contract_cannot_be_used(world: World) -> None:
    expired = world.issue("C-OLD", valid_from=world.today - timedelta(days=400), days=-1)
    form = evolve(_form(world), contract_number="C-OLD", activation_code=expired.activation_key)
    with pytest.raises(ValidationFailed) as error:
        world.services.register_account(form)
    assert error.value.fields == {"contract_number": "contract_not_valid_now"}


def _four_sign_ups(world: World) -> list[RegisterAccount]:
    """Taken/free login x registered/unregistered e-mail, each from its own address."""
    form = _form(world)
    world.services.register_account(form)  # jan / jan@example.com now exist
    world.services.register_account(evolve(form, login="ala", email="ala@example.com"))
    return [evolve(form, login=login, email=email, client=f"198.51.100.{n}")
            for n, (login, email) in enumerate([("ola", "ola@example.com"),
                                                ("ola2", "jan@example.com"),
                                                ("jan", "new@example.com"),
                                                ("jan", "ala@example.com")])]


def test_every_login_and_email_combination_answers_alike_and_mails_the_address(
        world: World) -> None:
    free_free, free_registered, taken_free, taken_registered = _four_sign_ups(world)
    expected = [
        (free_free, MailTemplate.CONFIRM_EMAIL, "ola@example.com", "ola"),
        (free_registered, MailTemplate.ACCOUNT_EXISTS, "jan@example.com", "jan"),
        (taken_free, MailTemplate.LOGIN_TAKEN, "new@example.com", "jan"),
        (taken_registered, MailTemplate.ACCOUNT_EXISTS, "ala@example.com", "ala"),
    ]
    for form, template, to, login in expected:
        before = len(world.mails.all())
        assert world.services.register_account(form) is None  # no error, nothing to tell
        [mail] = [m.mail for m in world.mails.all()[before:]]
        assert (mail.template, mail.to, mail.context["login"]) == (template, to, login)
    assert _account(world, "ola2") is None
    with world.services.ports.uow() as uow:
        assert uow.accounts.get_by_email("new@example.com") is None
    taken = world.last_mail(MailTemplate.LOGIN_TAKEN).mail
    assert (taken.context["signup_path"], taken.context["signin_path"]) == ("/signup", "/signin")


def test_the_new_address_told_its_login_is_taken_can_sign_up_with_another(
        world: World) -> None:
    _, _, taken_free, _ = _four_sign_ups(world)
    world.services.register_account(taken_free)
    world.services.register_account(evolve(taken_free, login="nowy"))
    assert world.last_mail(MailTemplate.CONFIRM_EMAIL).mail.to == "new@example.com"
    assert _account(world, "nowy").email == "new@example.com"


def test_one_notice_per_address_per_hour(world: World, hasher: CountingHasher) -> None:
    form = _form(world)
    world.services.register_account(form)
    for n in range(12):  # from twelve addresses, each under its own limit
        world.services.register_account(evolve(form, login=f"probe{n}",
                                               client=f"198.51.100.{n}"))
    notices = [m for m in world.mails.all() if m.mail.template is MailTemplate.ACCOUNT_EXISTS]
    assert [m.mail.to for m in notices] == ["jan@example.com"]
    world.clock.advance(timedelta(hours=1))
    world.services.register_account(evolve(form, login="later", client="203.0.113.5"))
    notices = [m for m in world.mails.all() if m.mail.template is MailTemplate.ACCOUNT_EXISTS]
    assert len(notices) == 2


def test_a_notice_to_an_unregistered_address_is_limited_too(world: World) -> None:
    _, _, taken_free, _ = _four_sign_ups(world)
    for n in range(5):
        world.services.register_account(evolve(taken_free, client=f"203.0.113.{n}"))
    assert [m.mail.to for m in world.mails.all()
            if m.mail.template is MailTemplate.LOGIN_TAKEN] == ["new@example.com"]


def test_refused_sign_ups_never_hash_and_admitted_ones_hash_once(
        world: World, hasher: CountingHasher) -> None:
    expired = world.issue("C-OLD", valid_from=world.today - timedelta(days=400), days=-1)
    forms = _four_sign_ups(world)
    refused = [evolve(forms[0], password="short", password_confirm="short"),
               evolve(forms[0], contract_number="C-404"),
               evolve(forms[0], activation_code="WRONG"),
               evolve(forms[0], contract_number="C-OLD",
                      activation_code=expired.activation_key)]
    hasher.calls.clear()
    for form in refused:
        with pytest.raises(ValidationFailed):
            world.services.register_account(form)
    assert hasher.calls == []
    for form in forms:  # every admitted combination costs the same single hash
        world.services.register_account(form)
        assert hasher.calls == ["hash"]
        hasher.calls.clear()


def test_a_throttled_sign_up_never_hashes(world: World, hasher: CountingHasher) -> None:
    form = _form(world, client="198.51.100.9")
    for n in range(10):
        world.services.register_account(evolve(form, login=f"user{n}",
                                               email=f"user{n}@example.com"))
    hasher.calls.clear()
    with pytest.raises(TooManyAttempts):
        world.services.register_account(evolve(form, login="one-more",
                                               email="one-more@example.com"))
    assert hasher.calls == []


def test_sign_ups_are_limited_per_client_address(world: World) -> None:
    form = _form(world, client="198.51.100.9")
    for n in range(10):
        world.services.register_account(evolve(form, login=f"user{n}",
                                               email=f"user{n}@example.com"))
    with pytest.raises(TooManyAttempts) as error:
        world.services.register_account(evolve(form, login="late", email="late@example.com"))
    assert timedelta(0) < error.value.retry_after <= timedelta(hours=1)
    # another address is not affected; this one may try again after the window
    world.services.register_account(evolve(form, login="other", email="other@example.com",
                                           client="203.0.113.1"))
    world.clock.advance(timedelta(hours=1))
    world.services.register_account(evolve(form, login="late", email="late@example.com"))


def test_sign_ups_are_limited_per_contract(world: World) -> None:
    form = _form(world)
    other = world.issue("C-2")
    for n in range(20):
        world.services.register_account(evolve(form, login=f"user{n}",
                                               email=f"user{n}@example.com",
                                               client=f"198.51.100.{n}"))
    with pytest.raises(TooManyAttempts):
        world.services.register_account(evolve(form, login="late", email="late@example.com",
                                               client="203.0.113.1"))
    world.services.register_account(evolve(  # another contract is not affected
        form, login="late", email="late@example.com", client="203.0.113.1",
        contract_number="C-2", activation_code=other.activation_key))


def test_wrong_keys_do_not_use_up_a_contracts_sign_ups(world: World) -> None:
    form = _form(world)
    for n in range(25):  # a stranger's guesses, each from a fresh address
        with pytest.raises(ValidationFailed):
            world.services.register_account(evolve(form, activation_code="WRONG",
                                                   client=f"198.51.100.{n}"))
    world.services.register_account(evolve(form, client="203.0.113.1"))
    assert _account(world) is not None


def test_wrong_keys_are_limited_per_client_address(world: World) -> None:
    right = _form(world, client="198.51.100.9")
    for attempt in range(10):  # whatever they fail on, 10 sign-ups an hour per address
        with pytest.raises(ValidationFailed):
            world.services.register_account(evolve(right, activation_code="WRONG",
                                                   login=f"user{attempt}"))
    # that address is refused even with the right key until the window passes
    with pytest.raises(TooManyAttempts):
        world.services.register_account(right)
    # the holder of the key elsewhere is not
    world.services.register_account(evolve(right, login="ola", email="ola@example.com",
                                           client="203.0.113.1"))
    world.clock.advance(timedelta(hours=1, seconds=1))
    world.services.register_account(right)
    assert _account(world) is not None


def test_wrong_keys_on_contract_activation_count_for_sign_up_too(world: World) -> None:
    for login in ("eve", "max"):
        world.register(login, contract=world.issue(f"C-{login}"))
        viewer = world.viewer(login)
        for n in range(10):  # each account at its own limit, the address at its limit too
            with pytest.raises(InvalidContractKey):
                world.services.activate_contract(viewer, f"C-{n}", "GUESS", "198.51.100.9")
    with pytest.raises(TooManyAttempts):
        world.services.register_account(_form(world, client="198.51.100.9"))


def test_taken_logins_are_only_revealed_to_holders_of_a_valid_key(world: World) -> None:
    form = _form(world)
    world.services.register_account(form)
    probe = evolve(form, email="probe@example.com", contract_number="C-404")
    with pytest.raises(ValidationFailed) as error:
        world.services.register_account(probe)
    assert error.value.fields == NEUTRAL
    assert not [m for m in world.mails.all() if m.mail.to == "probe@example.com"]
