"""The staff queue in a real browser (Playwright + Debian's Chromium) over SQLite: an engineer
signs in and lands on ``Kolejka``, finds a customer's ticket under ``Nieprzypisane``,
presses ``Przypisz do mnie``, then finds it under ``Moje`` and her name under ``Przypisany``
on the ticket page. The queue is in due order with its SLA marks in words: a critical ticket
on a premium contract past its first-response target (``Przekroczony``) and one past 75 % of
it (``Blisko terminu``) come first. Screenshots go to ``docs/screenshots/``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from attrs import frozen
from sqlalchemy import text

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import SteppingClock
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_core.services import CreateStaff, IssueContract, OpenTicket
from clico_core.services.contracts import AssetSpec
from clico_web import Settings, create_app

from ..support import PALO_ALTO_ANSWERS, PASSWORD, World, sealing_box
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
    breached: str  # critical on a premium contract, opened 2 h ago: 1 h target passed
    warned: str  # the same, opened 50 minutes ago: past 45 minutes, 75 % of the hour
    standard: list[str]  # Jan's first and third, in the queue's order: due time, then id


@pytest.fixture
def desk(tmp_path: Path, live_server: LiveServer, web_hasher: Argon2Hasher) -> Iterator[Desk]:
    """The real app over a migrated SQLite file; Jan of Acme has opened three tickets, one
    already Olek's; Ola of Beta Security two critical ones on a premium contract; Ewa is an
    engineer with her password set. The clock starts two hours ago and moves a millisecond
    a reading: tickets are opened along the way, the browser then works at about now."""
    database = SqlDatabase.from_url(f"sqlite:///{tmp_path / 'queue.db'}", box=sealing_box())
    database.upgrade()
    clock = SteppingClock(datetime.now(UTC) - timedelta(hours=2), step=timedelta(milliseconds=1))
    services = bootstrap(uow=database.uow_factory, hasher=web_hasher, clock=clock)
    world = World(services, clock, database.mail_queue, today=services.ports.today())
    acme = world.issue("CLICO-2026-001", "Acme Networks")
    world.register("jan", contract=acme, email="jan@example.com")
    jan = world.viewer("jan")
    numbers = [services.open_ticket(jan, OpenTicket(subject, "<p>Opis</p>")).number
               for subject in ("VPN nie łączy się", "Licencja wygasła", "Pytanie o RMA")]
    premium = services.issue_contract(IssueContract(
        "CLICO-2026-002", "Beta Security", world.today + timedelta(days=365),
        support_level="premium", assets=(AssetSpec("PA-3220", "PALO_ALTO", "SN-77"),)))
    world.register("ola", contract=premium, email="ola@example.com", company="Beta Security")
    ola = world.viewer("ola")
    asset_id = services.list_covered_assets(ola).rows[0].id
    critical = [OpenTicket(subject, "<p>Opis</p>", priority="critical", asset_id=asset_id,
                           answers=PALO_ALTO_ANSWERS)
                for subject in ("Klaster HA nie przełącza", "Spadki tunelu IPsec")]
    breached = services.open_ticket(ola, critical[0]).number
    clock.advance(timedelta(hours=1, minutes=10))
    warned = services.open_ticket(world.viewer("ola"), critical[1]).number
    clock.advance(timedelta(minutes=50))
    for email, first in ((EWA, "Ewa"), ("olek@clico.pl", "Olek")):
        _, path = services.create_staff_account(CreateStaff(email, first, "Inżynier"))
        services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    olek = world.viewer("olek@clico.pl")
    services.assign_ticket(olek, numbers[1], olek.account.id)
    # Opened outside business hours, Jan's tickets share one due time (the next business
    # morning plus 8 hours); the queue then orders them by id, which is random.
    with database.engine.connect() as connection:
        standard = list(connection.execute(text(
            "SELECT number FROM tickets WHERE number IN (:a, :b) ORDER BY first_response_due, id"),
            {"a": numbers[0], "b": numbers[2]}).scalars())
    url = live_server.serve(lambda base: create_app(
        Settings(base_url=base, secret_key="browser-queue-secret-0123456789abcdef",
                 start_mail_worker=False), services=services))
    yield Desk(url, world, numbers, breached, warned, standard)
    live_server.stop()
    database.dispose()


def _rows(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("table.queue tbody td:nth-child(2) a").all_inner_texts()


def _due(page, number: str):  # type: ignore[no-untyped-def]
    """The ``Termin`` cell of a ticket's row."""
    row = page.locator("table.queue tbody tr", has=page.locator(f"a:text-is('{number}')"))
    return row.locator("td.due")


def test_assign_to_me_from_the_unassigned_view(desk: Desk, browser_page) -> None:
    page = browser_page.open(desk.url)
    sign_in_through_pages(page, desk.world, EWA, EWA, password=PASSWORD)
    page.wait_for_url("**/staff/queue")  # the staff home
    expect(page.locator("nav.sidenav a[aria-current=page]")).to_have_text("Kolejka")
    expect(page.locator(".queue-views a[aria-current=page]")).to_have_text("Nieprzypisane")
    first, taken, third = desk.numbers
    # the nearest due time first: the premium tickets' hour, then the standard level's 8
    # business hours (Olek's is not unassigned)
    assert _rows(page) == [desk.breached, desk.warned, *desk.standard]
    expect(_due(page, desk.breached).locator(".sla-mark")).to_have_text("Przekroczony")
    expect(_due(page, desk.warned).locator(".sla-mark")).to_have_text("Blisko terminu")
    expect(_due(page, first).locator(".sla-mark")).to_have_count(0)
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Termin")
    screenshot(page, "staff-queue")

    row = page.locator("table.queue tbody tr", has=page.locator(f"a:text-is('{first}')"))
    row.get_by_role("button", name="Przypisz do mnie").click()
    page.wait_for_url("**/staff/queue?view=unassigned")
    assert _rows(page) == [desk.breached, desk.warned, third]

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
