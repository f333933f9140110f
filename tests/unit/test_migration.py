"""Importing CLICO TAC accounts."""

from __future__ import annotations

from clico_core.accounts import UNUSABLE_PASSWORD, AccountState
from clico_core.services import MigratedAccount

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
