"""Sign-up with a support certificate and e-mail confirmation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from attrs import evolve

from clico_core.accounts import AccountState
from clico_core.errors import InvalidToken, TooManyAttempts, ValidationFailed
from clico_core.mail import MailTemplate
from clico_core.services import RegisterAccount

from ..support import PASSWORD, World


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


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"contract_number": "C-404"}, "contract_number", "unknown_contract"),
    ({"activation_code": "WRONG-KEY"}, "activation_code", "invalid_contract_key"),
])
def test_contract_problems(world: World, changes: dict[str, str], field: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        world.services.register_account(_form(world, **changes))
    assert error.value.fields == {field: code}


def test_expired_contract_cannot_be_used(world: World) -> None:
    expired = world.issue("C-OLD", valid_from=world.today - timedelta(days=400), days=-1)
    form = evolve(_form(world), contract_number="C-OLD", activation_code=expired.activation_key)
    with pytest.raises(ValidationFailed) as error:
        world.services.register_account(form)
    assert error.value.fields == {"contract_number": "contract_not_valid_now"}


def test_taken_login_is_reported(world: World) -> None:
    form = _form(world)
    world.services.register_account(form)
    with pytest.raises(ValidationFailed) as error:
        world.services.register_account(evolve(form, email="other@example.com"))
    assert error.value.fields == {"login": "login_taken"}


def test_taken_email_answers_the_same_and_mails_the_owner(world: World) -> None:
    form = _form(world)
    world.services.register_account(form)
    world.services.register_account(evolve(form, login="someone-else"))  # no error: no leak
    assert _account(world, "someone-else") is None
    assert world.last_mail(MailTemplate.ACCOUNT_EXISTS).mail.to == "jan@example.com"


def test_wrong_activation_codes_are_rate_limited(world: World) -> None:
    right = _form(world)
    wrong = evolve(right, activation_code="WRONG")
    for attempt in range(10):
        with pytest.raises(ValidationFailed):
            world.services.register_account(evolve(wrong, login=f"user{attempt}"))
    # even the right key is refused until the window passes
    with pytest.raises(TooManyAttempts):
        world.services.register_account(right)
    world.clock.advance(timedelta(hours=1, seconds=1))
    world.services.register_account(right)


def test_taken_logins_are_only_revealed_to_holders_of_a_valid_key(world: World) -> None:
    form = _form(world)
    world.services.register_account(form)
    probe = evolve(form, email="probe@example.com", contract_number="C-404")
    with pytest.raises(ValidationFailed) as error:
        world.services.register_account(probe)
    assert error.value.fields == {"contract_number": "unknown_contract"}


def test_a_client_over_its_limit_costs_no_hashing(world: World,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    form = _form(world, activation_code="WRONG")
    for attempt in range(10):
        with pytest.raises(ValidationFailed):
            world.services.register_account(evolve(form, login=f"user{attempt}"))
    hashed: list[str] = []
    monkeypatch.setattr(world.services.ports.hasher, "hash", hashed.append)
    with pytest.raises(TooManyAttempts):
        world.services.register_account(form)
    assert hashed == []
