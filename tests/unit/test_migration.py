"""Importing CLICO TAC accounts and operator actions."""

from __future__ import annotations

import pytest

from clico_core.accounts import UNUSABLE_PASSWORD, AccountState
from clico_core.errors import ValidationFailed
from clico_core.mail import MailTemplate
from clico_core.services import CreateStaff, MigratedAccount
from clico_core.values import Role

from ..support import World

ROWS = [
    MigratedAccount(2, "anna@acme.pl", "Anna", "Nowak", "+48 600 000 001", "Acme"),
    MigratedAccount(3, "PIOTR@acme.pl", "Piotr", "Wiśniewski", "", "ACME", language="en"),
    MigratedAccount(4, "broken", "X", "Y", "", "Acme"),
    MigratedAccount(5, "anna@ACME.pl", "Anna", "Again", "", "Acme"),
    MigratedAccount(6, "z@acme.pl", "", "Y", "", "Acme"),
    MigratedAccount(7, "q@acme.pl", "Q", "Y", "", "Acme", language="de"),
]


def test_import_creates_accounts_that_must_reset(world: World) -> None:
    report = world.services.import_migrated_accounts(ROWS)
    assert report.created == ("anna@acme.pl", "PIOTR@acme.pl")
    assert report.rejected == ((4, "invalid_email"), (5, "duplicate_in_file"),
                               (6, "invalid_name"), (7, "invalid_language"))
    with world.services.ports.uow() as uow:
        piotr = uow.accounts.get_by_email("piotr@acme.pl")
        companies = uow.companies.list_by_ids()
    assert piotr is not None
    assert piotr.login == "PIOTR@acme.pl" and piotr.language.value == "en"
    assert piotr.state is AccountState.MUST_RESET_PASSWORD
    assert piotr.password_hash == UNUSABLE_PASSWORD
    assert [c.name for c in companies] == ["Acme"]  # "ACME" is the same company


def test_import_is_idempotent(world: World) -> None:
    world.services.import_migrated_accounts(ROWS)
    again = world.services.import_migrated_accounts(ROWS)
    assert again.created == ()
    assert again.already_present == ("anna@acme.pl", "PIOTR@acme.pl")


def test_dry_run_changes_nothing(world: World) -> None:
    report = world.services.import_migrated_accounts(ROWS, dry_run=True)
    assert len(report.created) == 2
    assert world.services.import_migrated_accounts(ROWS).created == report.created


def test_staff_account_gets_a_set_password_link(world: World) -> None:
    account, path = world.services.create_staff_account(
        CreateStaff("eng@clico.pl", "Ewa", "Inżynier", Role.ENGINEER))
    assert account.role is Role.ENGINEER and path.startswith("/password/reset/")
    secret = path.rsplit("/", 1)[-1]
    assert world.secret_from(MailTemplate.PASSWORD_RESET) == secret
    world.services.reset_password(secret, "blue whale over mountains", "blue whale over mountains")
    viewer = world.services.authenticate(world.sign_in("eng@clico.pl", "blue whale over mountains"))
    assert viewer is not None and viewer.scope.everything
    with pytest.raises(ValidationFailed):
        world.services.create_staff_account(CreateStaff("eng@clico.pl", "E", "I"))
