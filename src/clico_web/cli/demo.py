"""``clico demo``: demo data for trying the portal (idempotent), and its credentials."""

from __future__ import annotations

from datetime import timedelta

import click
from rich.table import Table

from clico_adapters.compose import Schema, system_secrets
from clico_core.errors import ClicoError
from clico_core.policies import visible_scope
from clico_core.ports import SecretGenerator
from clico_core.services import (
    AssetSpec,
    IssueContract,
    MigratedAccount,
    OpenTicket,
    RegisterAccount,
    Services,
    Viewer,
)

from .context import Runtime, console, fail_cleanly, pass_runtime

COMPANY = "Demo Sp. z o.o."
LOGIN, EMAIL, PASSWORD = "demo", "demo@example.com", "Zielona herbata 2026"
MIGRATED = "tac.user@example.com"
# Fixed keys so every run prints the same, working credentials (demo data only!).
CONTRACTS = [
    ("DEMO-2026-001", "premium", "DEMOK0000000000000A1", (
        AssetSpec("PAN-PA-450", "PALO_ALTO", "012801012345"),
        AssetSpec("PAN-PA-220", "PALO_ALTO", "012801067890"),
        AssetSpec("FortiGate-60F", "FORTINET", "FGT60F0000000001"),
    )),
    ("DEMO-2026-002", "standard", "DEMOK0000000000000B2", (
        AssetSpec("PAN-PA-3220", "PALO_ALTO", "013201000777"),
    )),
]
ANSWERS = {"occurred_on": "", "new_deployment": "no", "ever_worked": "yes",
           "changes_before": "yes", "production": "yes", "frequency": "daily"}


class _FixedKeys:
    """A SecretGenerator that hands out the demo key it was given next; everything else (and
    any further key) comes from the real one."""

    def __init__(self, inner: SecretGenerator) -> None:
        self._inner = inner
        self.next_key = ""

    def key(self, nbits: int) -> str:
        key, self.next_key = self.next_key, ""
        return key or self._inner.key(nbits)

    def token(self, nbytes: int) -> str:
        return self._inner.token(nbytes)

    def digits(self, count: int) -> str:
        return self._inner.digits(count)

    def new_id(self) -> str:
        return self._inner.new_id()


def _issue(services: Services, keys: _FixedKeys, number: str, level: str, key: str,
           assets: tuple[AssetSpec, ...]) -> None:
    with services.ports.uow(readonly=True) as uow:
        if uow.contracts.get_by_number(number) is not None:
            return
    today = services.ports.today()
    keys.next_key = key
    services.issue_contract(IssueContract(number, COMPANY, today + timedelta(days=335),
                                          valid_from=today - timedelta(days=30),
                                          support_level=level, assets=assets))


def _customer(services: Services) -> Viewer:
    with services.ports.uow(readonly=True) as uow:
        existing = uow.accounts.get_by_login(LOGIN)
    if existing is None:
        number, _, key, _ = CONTRACTS[0]
        services.register_account(RegisterAccount(
            LOGIN, EMAIL, "Anna", "Kowalska", PASSWORD, PASSWORD, "+48 22 000 00 00", number,
            f"{key[:5]}-{key[5:10]}-{key[10:15]}-{key[15:]}", COMPANY))
        with services.ports.uow() as uow:  # the demo customer needs no confirmation mail
            account = uow.accounts.get_by_login(LOGIN)
            assert account is not None
            account.confirm_email()
            uow.accounts.update(account)
            uow.commit()
    with services.ports.uow(readonly=True) as uow:
        account = uow.accounts.get_by_login(LOGIN)
        assert account is not None
        contracts = tuple(uow.contracts.active_for_account(account.id, services.ports.today()))
    return Viewer(account, "", contracts, visible_scope(account, contracts))


def _tickets(services: Services, viewer: Viewer) -> None:
    from clico_core.tickets import TicketQuery

    if services.list_tickets(viewer, TicketQuery(show_closed=True)).rows:
        return
    assets = services.list_covered_assets(viewer).rows
    palo = next(a for a in assets if a.vendor == "PALO_ALTO")
    forti = next(a for a in assets if a.vendor == "FORTINET")
    yesterday = (services.ports.today() - timedelta(days=1)).isoformat()
    answers = {**ANSWERS, "occurred_on": yesterday}
    services.open_ticket(viewer, OpenTicket(
        "Tunel IPsec do oddziału zrywa się co kilka godzin",
        "<p>Po aktualizacji PAN-OS do 11.1 tunel do oddziału w Gdańsku <strong>zrywa się</strong>"
        " kilka razy dziennie.</p><pre class=\"code-block\">ike-gateway GW-GDA down</pre>",
        priority="high", relation_type="incident", asset_id=palo.id, answers=answers))
    services.open_ticket(viewer, OpenTicket(
        "Pytanie o licencję Threat Prevention",
        "<p>Czy licencja obejmuje także urządzenie zapasowe w klastrze HA?</p>",
        priority="low", relation_type="licensing", asset_id=forti.id,
        answers={"occurred_on": yesterday, "production": "no", "frequency": "once"}))
    services.open_ticket(viewer, OpenTicket(
        "Nie mogę dodać współpracownika do portalu",
        "<p>Kolega z działu IT nie otrzymał maila z potwierdzeniem.</p>",
        priority="normal", relation_type="portal"))


def seed_demo(services: Services, keys: _FixedKeys) -> None:
    """Create (once) the demo company, contracts, customer, migrated account and tickets;
    ``services`` draw their secrets from ``keys``."""
    for number, level, key, assets in CONTRACTS:
        _issue(services, keys, number, level, key, assets)
    viewer = _customer(services)
    services.import_migrated_accounts(
        [MigratedAccount(1, MIGRATED, "Piotr", "Nowak", "+48 22 000 00 01", COMPANY)])
    _tickets(services, viewer)


@click.command()
@pass_runtime
@fail_cleanly
def demo(runtime: Runtime) -> None:
    """Create demo data (idempotent) and print the demo credentials and keys."""
    keys = _FixedKeys(system_secrets())
    services = runtime.build(schema=Schema.UPGRADE, secrets=keys).services
    try:
        seed_demo(services, keys)
    except ClicoError as error:
        raise click.ClickException(f"demo data could not be created: {error.code}") from None
    table = Table("what", "value", title="CLICO Support System — demo")
    table.add_row("portal", runtime.settings.base_url)
    table.add_row("customer login / password", f"{LOGIN} / {PASSWORD}")
    for number, _, key, _ in CONTRACTS:
        table.add_row(f"contract {number}", f"{key[:5]}-{key[5:10]}-{key[10:15]}-{key[15:]}")
    table.add_row("migrated CLICO TAC account", f"{MIGRATED} (use 'Forgot my password')")
    table.add_row("mail", f"{runtime.settings.data_dir / 'mail'} (Maildir); codes are logged")
    console.print(table)
    console.print("DEMO-2026-001 is active on the demo customer; try activating DEMO-2026-002 "
                  "with 'Zarejestruj kontrakt'.")
