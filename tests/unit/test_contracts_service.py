"""Issuing and activating contracts; what an account sees of them."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

import pytest

from clico_core.audit import AuditKind
from clico_core.contracts import hash_contract_key
from clico_core.errors import (
    ContractAlreadyActive,
    ContractNotValidNow,
    DuplicateContractNumber,
    InvalidContractKey,
    NotFound,
    TooManyAttempts,
    ValidationFailed,
)
from clico_core.mail import MailTemplate
from clico_core.services import AssetSpec, IssueContract, RegisterAccount

from ..support import PASSWORD, World


@pytest.fixture
def jan(world: World) -> World:
    world.register(contract=world.issue())
    return world


def test_issued_key_is_shown_once_and_stored_hashed(world: World) -> None:
    issued = world.issue("C-7", assets=[("PAN-PA-450", "palo_alto", "SN1"),
                                        ("FortiGate 60F", "FORTINET", "SN2")])
    assert len(issued.activation_key.replace("-", "")) * 5 >= 80
    record = world.services.contract_by_number("C-7")
    assert record.contract.key_hash == hash_contract_key(issued.activation_key)
    assert issued.activation_key not in repr(record)
    assert {(a.vendor, a.category) for a in record.assets} == {("PALO_ALTO", "PALO_ALTO"),
                                                               ("FORTINET", "default")}


def test_issue_contract_validation(world: World) -> None:
    world.issue("C-7")
    with pytest.raises(DuplicateContractNumber):
        world.issue("C-7")
    with pytest.raises(ValidationFailed) as error:
        world.services.issue_contract(IssueContract(
            "", "Acme", date(2020, 1, 1), valid_from=date(2021, 1, 1),
            assets=(AssetSpec("PA", "", "SN"),)))
    assert error.value.fields == {"number": "invalid", "valid_until": "before_valid_from",
                                  "asset_1": "invalid_asset"}


def test_activate_a_second_contract(jan: World) -> None:
    second = jan.issue("C-2", "Beta")
    viewer = jan.viewer()
    jan.services.activate_contract(viewer, "C-2", second.activation_key)
    assert jan.last_mail(MailTemplate.CONTRACT_ACTIVATED).mail.context["number"] == "C-2"
    views = jan.services.list_contracts(jan.viewer())
    assert [(v.contract.number, v.company_name, v.active) for v in views] == [
        ("C-1", "Acme", True), ("C-2", "Beta", True)]
    assert [a.name for a in views[1].assets] == ["PAN-PA-450"]


def test_activation_errors(jan: World) -> None:
    expired = jan.issue("C-OLD", valid_from=jan.today - timedelta(days=30), days=-1)
    future = jan.issue("C-NEXT", valid_from=jan.today + timedelta(days=1))
    first = jan.issue("C-1B")
    viewer = jan.viewer()
    with pytest.raises(InvalidContractKey):
        jan.services.activate_contract(viewer, "C-404", "whatever")
    with pytest.raises(InvalidContractKey):
        jan.services.activate_contract(viewer, "C-1B", "WRONG")
    with pytest.raises(ContractNotValidNow):
        jan.services.activate_contract(viewer, "C-OLD", expired.activation_key)
    with pytest.raises(ContractNotValidNow):
        jan.services.activate_contract(viewer, "C-NEXT", future.activation_key)
    jan.services.activate_contract(viewer, "C-1B", first.activation_key)
    with pytest.raises(ContractAlreadyActive):
        jan.services.activate_contract(viewer, "C-1B", first.activation_key)
    with pytest.raises(ValidationFailed):
        jan.services.activate_contract(viewer, " ", "")


def test_an_unknown_number_and_a_wrong_key_are_one_failure(jan: World) -> None:
    jan.issue("C-2")
    viewer = jan.viewer()
    with pytest.raises(InvalidContractKey) as unknown:
        jan.services.activate_contract(viewer, "C-404", "WRONG", "198.51.100.1")
    with pytest.raises(InvalidContractKey) as wrong:
        jan.services.activate_contract(viewer, "C-2", "WRONG", "198.51.100.1")
    assert (unknown.value.code, str(unknown.value)) == (wrong.value.code, str(wrong.value))
    with jan.services.ports.uow() as uow:  # both audited with the number typed, for alerts
        failed = [e.detail for e in uow.audit.recent() if e.kind is AuditKind.CONTRACT_KEY_FAILED]
    assert failed == ["C-2", "C-404"]


def test_wrong_keys_are_limited_per_account(jan: World) -> None:
    target = jan.issue("C-T")
    viewer = jan.viewer()
    for i in range(10):  # from ever new addresses: the account's own count stops it
        with pytest.raises(InvalidContractKey):
            jan.services.activate_contract(viewer, "C-T" if i % 2 else "C-404", f"GUESS-{i}",
                                           f"198.51.100.{i}")
    with pytest.raises(TooManyAttempts):
        jan.services.activate_contract(viewer, "C-T", target.activation_key, "203.0.113.1")
    jan.clock.advance(timedelta(hours=1, seconds=1))
    jan.services.activate_contract(viewer, "C-T", target.activation_key, "203.0.113.1")


def test_wrong_keys_are_limited_per_client_address(jan: World) -> None:
    target = jan.issue("C-T")
    guessers = [f"guesser{n}" for n in range(3)]
    for login in guessers:
        jan.register(login, contract=jan.issue(f"C-{login}"))
    for i in range(20):  # three accounts, each under its own limit, one address
        with pytest.raises(InvalidContractKey):
            jan.services.activate_contract(jan.viewer(guessers[i % 3]), f"C-{i}", "GUESS",
                                           "198.51.100.7")
    with pytest.raises(TooManyAttempts):
        jan.services.activate_contract(jan.viewer("jan"), "C-T", target.activation_key,
                                       "198.51.100.7")
    jan.services.activate_contract(jan.viewer("jan"), "C-T", target.activation_key,
                                   "203.0.113.1")


def test_wrong_keys_for_a_number_never_block_its_rightful_holder(jan: World) -> None:
    target = jan.issue("C-T")
    jan.register("eve", contract=jan.issue("C-EVE"))
    eve = jan.viewer("eve")
    for i in range(12):
        with contextlib.suppress(InvalidContractKey, TooManyAttempts):
            jan.services.activate_contract(eve, "C-T", f"GUESS-{i}", "198.51.100.66")
    with pytest.raises(TooManyAttempts):  # the guesser is stopped...
        jan.services.activate_contract(eve, "C-T", target.activation_key, "198.51.100.66")
    # ...and the holder of the key, on another account and address, is not
    jan.services.activate_contract(jan.viewer("jan"), "C-T", target.activation_key,
                                   "203.0.113.1")
    # nor is a sign-up with it from a fresh address
    jan.services.register_account(RegisterAccount(
        "ola", "ola@example.com", "Ola", "Nowak", PASSWORD, PASSWORD, "+48 600 100 200",
        "C-T", target.activation_key, "Acme", client="203.0.113.2"))
    assert jan.last_mail(MailTemplate.CONFIRM_EMAIL).mail.to == "ola@example.com"


def test_another_accounts_contract_is_not_found(jan: World) -> None:
    jan.register("eve", contract=jan.issue("C-EVE", "Evil"))
    theirs = jan.services.list_contracts(jan.viewer("eve"))[0].contract.id
    with pytest.raises(NotFound):
        jan.services.get_contract(jan.viewer("jan"), theirs)


def test_covered_assets_only_under_active_contracts(jan: World) -> None:
    old = jan.issue("C-OLD", assets=[("OLD-BOX", "PALO_ALTO", "X")], days=1)
    viewer = jan.viewer()
    jan.services.activate_contract(viewer, "C-OLD", old.activation_key)
    assert jan.services.list_covered_assets(jan.viewer()).total == 2
    jan.clock.advance(timedelta(days=2))
    page = jan.services.list_covered_assets(jan.viewer())
    assert [a.name for a in page.rows] == ["PAN-PA-450"] and page.total == 1
    assert dict(page.categories) == {"PALO_ALTO": 1}
