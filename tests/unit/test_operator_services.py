"""Operator use cases: staff accounts, listing accounts and contracts, the demo data."""

from __future__ import annotations

import pytest

from clico_core.accounts import AccountState
from clico_core.errors import NotFound, ValidationFailed
from clico_core.mail import MailTemplate
from clico_core.services import CreateStaff, MigratedAccount
from clico_core.tickets import TicketQuery
from clico_core.values import Role

from ..support import World


def test_staff_account_gets_a_set_password_link(world: World) -> None:
    account, path = world.services.create_staff_account(
        CreateStaff("eng@clico.pl", "Ewa", "Inżynier", Role.ENGINEER))
    assert account.role is Role.ENGINEER and path.startswith("/password/reset/")
    secret = path.rsplit("/", 1)[-1]
    assert world.secret_from(MailTemplate.STAFF_INVITATION) == secret
    world.services.reset_password(secret, "blue whale over mountains", "blue whale over mountains")
    viewer = world.services.authenticate(world.sign_in("eng@clico.pl", "blue whale over mountains"))
    assert viewer is not None and viewer.scope.everything
    with pytest.raises(ValidationFailed):
        world.services.create_staff_account(CreateStaff("eng@clico.pl", "E", "I"))


def test_every_account_is_listed_with_its_company(world: World) -> None:
    world.register(contract=world.issue("C-1", "Acme"))
    world.services.import_migrated_accounts(
        [MigratedAccount(2, "ola@beta.pl", "Ola", "Adamska", "", "Beta")])
    listed = {row.account.login: row for row in world.services.list_accounts()}
    assert {login: row.company_name for login, row in listed.items()} == {
        "jan": "Acme", "ola@beta.pl": "Beta"}
    assert listed["ola@beta.pl"].account.state is AccountState.MUST_RESET_PASSWORD
    # ordered by last name: Adamska before Kowalski
    assert [row.account.login for row in world.services.list_accounts()] == ["ola@beta.pl", "jan"]


def test_contracts_are_listed_per_company_with_their_activations(world: World) -> None:
    world.register(contract=world.issue("C-1", "Acme"))
    world.issue("C-2", "Beta", assets=[("A", "FORTINET", "1"), ("B", "FORTINET", "2")])
    rows = world.services.list_all_contracts()
    assert [(r.contract.number, r.company_name, r.activations, len(r.contract.asset_ids))
            for r in rows] == [("C-1", "Acme", 1, 1), ("C-2", "Beta", 0, 2)]
    assert [r.contract.number for r in world.services.list_all_contracts("beta")] == ["C-2"]
    with pytest.raises(NotFound):
        world.services.list_all_contracts("Gamma")


def test_one_contract_in_full(world: World) -> None:
    issued = world.issue("C-1", "Acme")
    world.register(contract=issued)
    record = world.services.contract_by_number("C-1")
    assert record.contract.id == issued.contract.id and record.company_name == "Acme"
    assert [(a.name, a.vendor, a.serial) for a in record.assets] == [
        ("PAN-PA-450", "PALO_ALTO", "SN-1")]
    assert [(r.account.login if r.account else None) for r in record.activations] == ["jan"]
    with pytest.raises(NotFound):
        world.services.contract_by_number("C-404")


def test_demo_data_is_created_once_and_its_credentials_work(world: World) -> None:
    access = world.services.seed_demo()
    assert world.services.seed_demo() == access
    assert access.contract_keys == (("DEMO-2026-001", "DEMOK-00000-00000-000A1"),
                                    ("DEMO-2026-002", "DEMOK-00000-00000-000B2"))
    viewer = world.services.authenticate(world.sign_in(access.login, access.password))
    assert viewer is not None
    assert len(world.services.list_tickets(viewer, TicketQuery(show_closed=True)).rows) == 3
    number, key = access.contract_keys[1]
    world.services.activate_contract(viewer, number, key)
    assert [r.activations for r in world.services.list_all_contracts()] == [1, 1]
    migrated = {r.account.email: r.account for r in world.services.list_accounts()}
    assert migrated[access.migrated_email].state is AccountState.MUST_RESET_PASSWORD
