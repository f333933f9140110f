"""Demo data for trying the portal: a company, contracts, a customer and a few tickets.

Never run it on a database with real customers: the demo keys and password are public.
"""

from __future__ import annotations

from datetime import timedelta

from attrs import frozen

from ..contracts import format_contract_key
from ..policies import visible_scope
from ..tickets import TicketQuery
from .assets import list_covered_assets
from .context import Ports, Viewer
from .contracts import AssetSpec, IssueContract, issue_with_key
from .migration import MigratedAccount, import_migrated_accounts
from .registration import RegisterAccount, register_account
from .ticket_list import list_tickets
from .tickets import OpenTicket, open_ticket

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


@frozen
class DemoAccess:
    """How to try the demo: the customer's sign-in, the contract keys, the migrated account."""

    login: str
    password: str
    contract_keys: tuple[tuple[str, str], ...]  # (number, key as printed on the certificate)
    migrated_email: str  # signs in after 'Forgot my password'


def _issue(ports: Ports, number: str, level: str, key: str,
           assets: tuple[AssetSpec, ...]) -> None:
    with ports.uow(readonly=True) as uow:
        if uow.contracts.get_by_number(number) is not None:
            return
    today = ports.today()
    issue_with_key(IssueContract(number, COMPANY, today + timedelta(days=335),
                                 valid_from=today - timedelta(days=30), support_level=level,
                                 assets=assets), ports, format_contract_key(key))


def _customer(ports: Ports) -> Viewer:
    with ports.uow(readonly=True) as uow:
        existing = uow.accounts.get_by_login(LOGIN)
    if existing is None:
        number, _, key, _ = CONTRACTS[0]
        register_account(RegisterAccount(
            LOGIN, EMAIL, "Anna", "Kowalska", PASSWORD, PASSWORD, "+48 22 000 00 00", number,
            format_contract_key(key), COMPANY), ports)
        with ports.uow() as uow:  # the demo customer needs no confirmation mail
            account = uow.accounts.get_by_login(LOGIN)
            assert account is not None
            account.confirm_email()
            uow.accounts.update(account)
            uow.commit()
    with ports.uow(readonly=True) as uow:
        account = uow.accounts.get_by_login(LOGIN)
        assert account is not None
        contracts = tuple(uow.contracts.active_for_account(account.id, ports.today()))
    return Viewer(account, "", contracts, visible_scope(account, contracts))


def _tickets(ports: Ports, viewer: Viewer) -> None:
    if list_tickets(viewer, TicketQuery(show_closed=True), ports).rows:
        return
    assets = list_covered_assets(viewer, ports).rows
    palo = next(a for a in assets if a.vendor == "PALO_ALTO")
    forti = next(a for a in assets if a.vendor == "FORTINET")
    yesterday = (ports.today() - timedelta(days=1)).isoformat()
    answers = {**ANSWERS, "occurred_on": yesterday}
    open_ticket(viewer, OpenTicket(
        "Tunel IPsec do oddziału zrywa się co kilka godzin",
        "<p>Po aktualizacji PAN-OS do 11.1 tunel do oddziału w Gdańsku <strong>zrywa się</strong>"
        " kilka razy dziennie.</p><pre class=\"code-block\">ike-gateway GW-GDA down</pre>",
        priority="high", relation_type="incident", asset_id=palo.id, answers=answers), ports)
    open_ticket(viewer, OpenTicket(
        "Pytanie o licencję Threat Prevention",
        "<p>Czy licencja obejmuje także urządzenie zapasowe w klastrze HA?</p>",
        priority="low", relation_type="licensing", asset_id=forti.id,
        answers={"occurred_on": yesterday, "production": "no", "frequency": "once"}), ports)
    open_ticket(viewer, OpenTicket(
        "Nie mogę dodać współpracownika do portalu",
        "<p>Kolega z działu IT nie otrzymał maila z potwierdzeniem.</p>",
        priority="normal", relation_type="portal"), ports)


def seed_demo(ports: Ports) -> DemoAccess:
    """Create (once) the demo company, contracts, customer, migrated account and tickets."""
    for number, level, key, assets in CONTRACTS:
        _issue(ports, number, level, key, assets)
    viewer = _customer(ports)
    import_migrated_accounts(
        [MigratedAccount(1, MIGRATED, "Piotr", "Nowak", "+48 22 000 00 01", COMPANY)], ports)
    _tickets(ports, viewer)
    return DemoAccess(LOGIN, PASSWORD,
                      tuple((number, format_contract_key(key)) for number, _, key, _ in CONTRACTS),
                      MIGRATED)
