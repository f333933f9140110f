"""In a real browser (Playwright + Debian's Chromium) over SQLite: a customer ticks
``Powiadamiaj mnie o zgłoszeniach mojej firmy`` on the account page; an engineer reads
``Historia`` on a ticket's page, which the customer's page does not have. Screenshots go to
``docs/screenshots/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import SystemClock
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_core.services import CreateStaff, OpenTicket
from clico_web import Settings, create_app

from ..support import PASSWORD, World, sealing_box
from .browser import LiveServer, screenshot, sign_in_through_pages

pytestmark = pytest.mark.browser
playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect


@pytest.fixture
def portal(tmp_path: Path, live_server: LiveServer, web_hasher: Argon2Hasher
           ) -> Iterator[tuple[str, World]]:
    database = SqlDatabase.from_url(f"sqlite:///{tmp_path / 'portal.db'}", box=sealing_box())
    database.upgrade()
    services = bootstrap(uow=database.uow_factory, hasher=web_hasher)
    world = World(services, SystemClock(), database.mail_queue, today=services.ports.today())
    world.register("jan", contract=world.issue("CLICO-2026-001", "Acme Networks"))
    _, path = services.create_staff_account(CreateStaff("eng@clico.pl", "Ewa", "Inżynier"))
    services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    url = live_server.serve(lambda base: create_app(
        Settings(base_url=base, secret_key="browser-history-secret-0123456789abcdef",
                 start_mail_worker=False), services=services))
    yield url, world
    live_server.stop()
    database.dispose()


def sign_in(page, world: World, login: str, email: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_through_pages(page, world, login, email, password=PASSWORD)


def test_the_setting_and_the_history_in_a_browser(portal, browser_page):
    url, world = portal
    services = world.services
    number = services.open_ticket(world.viewer("jan"), OpenTicket(
        "VPN tunnel drops", "<p>Every hour.</p>", priority="high")).number
    ewa = world.viewer("eng@clico.pl")
    services.assign_ticket(ewa, number, ewa.account.id)
    services.change_priority(ewa, number, "critical")
    services.change_status(ewa, number, "waiting_for_customer")

    customer = browser_page.open(url)
    sign_in(customer, world, "jan", "jan@example.com")
    customer.goto("/account/password")
    box = customer.get_by_label("Powiadamiaj mnie o zgłoszeniach mojej firmy")
    expect(box).not_to_be_checked()
    box.check()
    customer.click("#save-notifications")
    expect(customer.get_by_text("Ustawienie powiadomień zostało zapisane.")).to_be_visible()
    expect(box).to_be_checked()
    screenshot(customer, "account-notifications")
    customer.goto(f"/tickets/{number}")
    expect(customer.locator("main")).to_contain_text("VPN tunnel drops")
    expect(customer.locator("#history")).to_have_count(0)

    engineer = browser_page.open(url)
    sign_in(engineer, world, "eng@clico.pl", "eng@clico.pl")
    engineer.goto(f"/tickets/{number}")
    history = engineer.locator("#history")
    expect(history.get_by_role("heading", name="Historia")).to_be_visible()
    rows = history.locator("tbody tr").filter(has_not_text="SLA")  # the SLA clocks aside
    expect(rows).to_have_count(4)  # opened, assigned, priority, status
    expect(rows.nth(2)).to_contain_text("Priorytet")
    expect(rows.nth(2)).to_contain_text("Krytyczny")
    expect(rows.nth(3)).to_contain_text("Oczekuje na klienta")
    history.scroll_into_view_if_needed()
    screenshot(engineer, "ticket-history")
    assert browser_page.errors == [] and browser_page.console_errors == []
