"""The staff queue in a real browser (Playwright + Debian's Chromium) over SQLite: an engineer
signs in and lands on ``Kolejka``, finds a customer's ticket under ``Nieprzypisane``,
presses ``Przypisz do mnie``, then finds it under ``Moje`` and her name under ``Przypisany``
on the ticket page. Screenshots go to ``docs/screenshots/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from attrs import frozen

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
EWA = "ewa@clico.pl"


@frozen
class Desk:
    url: str
    world: World
    numbers: list[str]


@pytest.fixture
def desk(tmp_path: Path, live_server: LiveServer, web_hasher: Argon2Hasher) -> Iterator[Desk]:
    """The real app over a migrated SQLite file; Jan of Acme has opened three tickets, one
    already Olek's; Ewa is an engineer with her password set."""
    database = SqlDatabase.from_url(f"sqlite:///{tmp_path / 'queue.db'}", box=sealing_box())
    database.upgrade()
    services = bootstrap(uow=database.uow_factory, hasher=web_hasher)
    world = World(services, SystemClock(), database.mail_queue, today=services.ports.today())
    acme = world.issue("CLICO-2026-001", "Acme Networks")
    world.register("jan", contract=acme, email="jan@example.com")
    jan = world.viewer("jan")
    numbers = [services.open_ticket(jan, OpenTicket(subject, "<p>Opis</p>")).number
               for subject in ("VPN nie łączy się", "Licencja wygasła", "Pytanie o RMA")]
    for email, first in ((EWA, "Ewa"), ("olek@clico.pl", "Olek")):
        _, path = services.create_staff_account(CreateStaff(email, first, "Inżynier"))
        services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    olek = world.viewer("olek@clico.pl")
    services.assign_ticket(olek, numbers[1], olek.account.id)
    url = live_server.serve(lambda base: create_app(
        Settings(base_url=base, secret_key="browser-queue-secret-0123456789abcdef",
                 start_mail_worker=False), services=services))
    yield Desk(url, world, numbers)
    live_server.stop()
    database.dispose()


def _rows(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("table.queue tbody td:nth-child(2) a").all_inner_texts()


def test_assign_to_me_from_the_unassigned_view(desk: Desk, browser_page) -> None:
    page = browser_page.open(desk.url)
    sign_in_through_pages(page, desk.world, EWA, EWA, password=PASSWORD)
    page.wait_for_url("**/staff/queue")  # the staff home
    expect(page.locator("nav.sidenav a[aria-current=page]")).to_have_text("Kolejka")
    expect(page.locator(".queue-views a[aria-current=page]")).to_have_text("Nieprzypisane")
    first, taken, third = desk.numbers
    assert sorted(_rows(page)) == sorted([first, third])  # Olek's is not unassigned
    screenshot(page, "staff-queue")

    row = page.locator("table.queue tbody tr", has=page.locator(f"a:text-is('{first}')"))
    row.get_by_role("button", name="Przypisz do mnie").click()
    page.wait_for_url("**/staff/queue?view=unassigned")
    assert _rows(page) == [third]

    page.locator(".queue-views").get_by_role("link", name="Moje").click()
    page.wait_for_url("**/staff/queue?view=mine")
    assert _rows(page) == [first]
    expect(page.locator("table.queue tbody td.assignee")).to_have_text("Ewa Inżynier")
    screenshot(page, "staff-queue-mine")

    page.locator("table.queue tbody a", has_text=first).click()
    page.wait_for_url(f"**/tickets/{first}")
    expect(page.locator("#assignee")).to_have_text("Ewa Inżynier")
    expect(page.locator("dt", has_text="Przypisany")).to_be_visible()
    screenshot(page, "staff-ticket-assigned")

    # the others: Olek's ticket under every open one, with his name
    page.goto("/staff/queue?view=open")
    row = page.locator("table.queue tbody tr", has=page.locator(f"a:text-is('{taken}')"))
    expect(row.locator("td.assignee")).to_have_text("Olek Inżynier")
    assert not browser_page.errors and not browser_page.console_errors
