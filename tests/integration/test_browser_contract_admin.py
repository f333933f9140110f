"""Contract administration in a real browser (Playwright + Debian's Chromium) over SQLite.

An administrator creates a contract with an asset and copies the key shown once; a customer
activates it (``Zarejestruj kontrakt``) and opens a technical ticket on that asset; the
administrator revokes the contract; the customer's next technical ticket on it is refused
and the first stays open. Staff find the company (``Szukaj firmy``) and see it whole
(``Firma``). Screenshots go to ``docs/screenshots/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from attrs import frozen

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import SystemClock
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_core.services import CreateStaff
from clico_core.values import Role
from clico_web import Settings, create_app

from ..support import PASSWORD, World, sealing_box
from .browser import LiveServer, screenshot, sign_in_through_pages

pytestmark = pytest.mark.browser
playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

TICKET_URL = re.compile(r".*/tickets/CSS-\d{6}$")
ADMIN = "admin@clico.pl"


@frozen
class Portal:
    url: str
    world: World


@pytest.fixture
def portal(tmp_path: Path, live_server: LiveServer, web_hasher: Argon2Hasher
           ) -> Iterator[Portal]:
    database = SqlDatabase.from_url(f"sqlite:///{tmp_path / 'portal.db'}", box=sealing_box())
    database.upgrade()
    services = bootstrap(uow=database.uow_factory, hasher=web_hasher)
    world = World(services, SystemClock(), database.mail_queue, today=services.ports.today())
    world.register("jan", contract=world.issue("CLICO-2026-001", "Acme Networks", assets=()),
                   email="jan@example.com")
    _, path = services.create_staff_account(CreateStaff(ADMIN, "Ada", "Nowak", Role.ADMIN))
    services.reset_password(path.rsplit("/", 1)[-1], PASSWORD, PASSWORD)
    url = live_server.serve(lambda base: create_app(
        Settings(base_url=base, secret_key="browser-contract-secret-0123456789abcdef",
                 start_mail_worker=False), services=services))
    yield Portal(url, world)
    live_server.stop()
    database.dispose()


def sign_in(page, portal: Portal, login: str, email: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_through_pages(page, portal.world, login, email, password=PASSWORD)


def fill_technical(page, subject: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#f-subject", subject)
    page.fill("#f-description", "Klaster HA nie przełącza się.")
    page.fill("#f-q_occurred_on", "2026-11-20")
    page.check("input[name=q_production][value=yes]")  # FORTINET: the default questions
    page.select_option("#f-q_frequency", "once")


def test_a_key_shown_once_activates_a_contract_whose_revocation_stops_new_tickets(
        portal, browser_page):
    admin = browser_page.open(portal.url)
    sign_in(admin, portal, ADMIN, ADMIN)
    admin.get_by_role("link", name="Administracja kontraktami").click()
    admin.wait_for_url("**/admin/contracts")
    admin.fill("#f-number", "UM-2026-7")
    admin.fill("#f-company", "Acme Networks")
    admin.fill("#f-support_level", "premium")
    admin.fill("#f-valid_until", "2030-12-31")
    admin.fill("#f-asset_name", "FortiGate 200F")
    admin.fill("#f-asset_vendor", "FORTINET")
    admin.fill("#f-asset_serial", "FG200F-0001")
    screenshot(admin, "admin-contract-new")
    admin.get_by_role("button", name="Utwórz kontrakt").click()
    key = admin.locator("code.activation-key").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{5}(-[A-Z0-9]{5})+", key), key
    screenshot(admin, "admin-contract-key")

    customer = browser_page.open(portal.url, javascript=False)
    sign_in(customer, portal, "jan", "jan@example.com")
    customer.goto("/contracts/register")
    customer.fill("#f-contract_number", "UM-2026-7")
    customer.fill("#f-contract_key", key)
    customer.get_by_role("button", name="Zastosuj").click()
    customer.wait_for_url("**/contracts?activated=1")
    customer.goto("/tickets/new")
    customer.click("#add-asset")
    customer.get_by_role("link", name=re.compile(r"^Wybierz FortiGate 200F")).click()
    fill_technical(customer, "Failover nie działa")
    customer.click("#create-ticket")
    customer.wait_for_url(TICKET_URL)
    first = customer.url.rsplit("/", 1)[1]
    expect(customer.locator("main")).to_contain_text("FG200F-0001")
    # a second ticket on the same asset is being written while the contract is revoked
    customer.goto("/tickets/new")
    customer.click("#add-asset")
    customer.get_by_role("link", name=re.compile(r"^Wybierz FortiGate 200F")).click()
    fill_technical(customer, "Drugi problem")

    admin.goto("/admin/contracts/UM-2026-7")
    expect(admin.locator("main")).to_contain_text("Kont: 1")
    admin.get_by_role("button", name="Unieważnij kontrakt").click()
    admin.wait_for_url("**/admin/contracts/UM-2026-7?done=revoke")
    history = admin.locator("main table").last
    for text in ("Utworzono kontrakt", "Unieważniono kontrakt", "Ada Nowak"):
        expect(history).to_contain_text(text)
    screenshot(admin, "admin-contract")

    customer.click("#create-ticket")
    expect(customer.locator("main")).to_contain_text(
        "Ten zasób nie jest objęty aktywnym wsparciem.")
    customer.goto("/tickets/new/assets")
    expect(customer.get_by_role("link", name=re.compile(r"^Wybierz FortiGate"))).to_have_count(0)
    customer.goto("/tickets")
    expect(customer.locator("table.tickets tbody tr")).to_have_count(1)
    expect(customer.locator("table.tickets")).to_contain_text(first)

    admin.get_by_role("link", name="Firmy").click()
    admin.fill("#f-q", "FG200F-0001")
    admin.get_by_role("button", name="Szukaj").click()
    admin.get_by_role("link", name="Acme Networks").click()
    page = admin.locator("main")
    expect(page).to_contain_text("Firma: Acme Networks")
    for text in ("UM-2026-7", "unieważniony", "FortiGate 200F", "Jan Kowalski", first):
        expect(page).to_contain_text(text)
    screenshot(admin, "staff-company")
    assert browser_page.errors == [] and browser_page.dialogs == []
    # the refused ticket is a 400 answer, which Chromium reports on its console
    assert [e for e in browser_page.console_errors if "status of 400" not in e] == []
