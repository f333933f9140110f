"""Issuing and activating contracts; what an account sees of them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from clico_core.contracts import hash_contract_key
from clico_core.errors import (
    ContractAlreadyActive,
    ContractNotValidNow,
    DuplicateContractNumber,
    InvalidContractKey,
    NotFound,
    TooManyAttempts,
    UnknownContract,
    ValidationFailed,
)
from clico_core.mail import MailTemplate
from clico_core.services import AssetSpec, IssueContract

from ..support import World


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
    with pytest.raises(UnknownContract):
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


def test_wrong_keys_are_rate_limited_per_contract_number(jan: World) -> None:
    target = jan.issue("C-T")
    jan.register("ola", contract=jan.issue("C-O"))
    jan_viewer, ola_viewer = jan.viewer("jan"), jan.viewer("ola")
    for i in range(10):
        who = jan_viewer if i % 2 else ola_viewer
        with pytest.raises(InvalidContractKey):
            jan.services.activate_contract(who, "C-T", f"GUESS-{i}")
    with pytest.raises(TooManyAttempts):
        jan.services.activate_contract(jan_viewer, "C-T", target.activation_key)


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
