"""The ticket screens in a real browser (Playwright + Debian's Chromium) over SQLite.

Sign in → administrative ticket → technical ticket through the picker, every question and
the editor → both in the list; the list's filters, sort, page size, show-closed and pages on
300 tickets; a colleague sees a ticket, another company gets 404; injected script never runs;
the form works without JavaScript. Screenshots go to ``docs/screenshots/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from attrs import frozen

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import SystemClock
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_core.mail import MailTemplate
from clico_core.services import IssuedContract, OpenTicket
from clico_core.tickets import OPEN_STATUSES, TicketStatus
from clico_web import Settings, create_app

from ..support import World, sealing_box
from .browser import LiveServer, screenshot
from .ticket_fixtures import seed_tickets

pytestmark = pytest.mark.browser
playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

NOTICE = ("UWAGA: Tworzysz zgłoszenie administracyjne. Nie podlega ono polityce wsparcia "
          "serwisowego żadnego z producentów. Jeśli chcesz stworzyć zgłoszenie techniczne dodaj "
          "do zgłoszenia odpowiedni zasób, którego dotyczy problem.")
TICKET_URL = re.compile(r".*/tickets/CSS-\d{6}$")


@frozen
class Portal:
    url: str
    world: World
    acme: IssuedContract


@pytest.fixture
def portal(tmp_path: Path, live_server: LiveServer, web_hasher: Argon2Hasher
           ) -> Iterator[Portal]:
    """The real app over a migrated SQLite file, the system clock, mails read from the outbox."""
    database = SqlDatabase.from_url(f"sqlite:///{tmp_path / 'portal.db'}",
                                    box=sealing_box())
    database.upgrade()
    services = bootstrap(uow=database.uow_factory, hasher=web_hasher)
    world = World(services, SystemClock(), database.mail_queue, today=services.ports.today())
    acme = world.issue("CLICO-2026-001", "Acme Networks", assets=[
        ("PAN-PA-450", "PALO_ALTO", "013201009876"),
        ("FortiGate 100F", "FORTINET", "00:09:0f:aa:bb:cc")])
    world.register("jan", contract=acme, email="jan@example.com")
    url = live_server.serve(lambda base: create_app(
        Settings(base_url=base, secret_key="browser-ticket-secret-0123456789abcdef",
                 start_mail_worker=False), services=services))
    yield Portal(url, world, acme)
    live_server.stop()
    database.dispose()


def sign_in(page, portal: Portal, login: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/signin")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "correct horse battery staple")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/signin/code")
    code = portal.world.last_mail(MailTemplate.SIGN_IN_CODE, email).mail.context["code"]
    page.fill("input[name=code]", code)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/tickets")


def listed(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("table.tickets tbody td:first-child a").all_inner_texts()


def test_administrative_then_technical_ticket_then_both_in_the_list(portal, browser_page):
    page = browser_page.open(portal.url)
    sign_in(page, portal, "jan", "jan@example.com")
    expect(page.get_by_text("Brak danych do wyświetlenia.")).to_be_visible()
    screenshot(page, "tickets-empty")

    # administrative: no asset, the notice, the editor's toolbar
    page.locator(".topbar-actions a[href='/tickets/new']").first.click()
    page.wait_for_url("**/tickets/new")
    expect(page.locator("#administrative-notice")).to_have_text(NOTICE)
    page.fill("#f-subject", "Nie mogę zarejestrować kontraktu")
    page.select_option("#f-relation_type", "portal")
    page.select_option("#f-priority", "low")
    page.locator(".ql-editor").click()
    page.keyboard.type("Przy rejestracji ")
    page.click("button.ql-bold")
    page.keyboard.type("pojawia się błąd")
    page.click("button.ql-bold")
    page.keyboard.press("Enter")
    page.click("button.ql-list[value=bullet]")
    page.keyboard.type("krok pierwszy")
    for control in ("bold", "italic", "underline", "strike", "list", "align", "link", "image",
                    "code-block"):
        expect(page.locator(f".ql-toolbar .ql-{control}").first).to_be_visible()
    screenshot(page, "ticket-new-administrative")
    page.click("#create-ticket")
    page.wait_for_url(TICKET_URL)
    expect(page.locator(".rich-text strong")).to_have_text("pojawia się błąd")
    expect(page.locator(".rich-text ul li")).to_have_text("krok pierwszy")
    expect(page.locator("dl.details").first).to_contain_text("Administracyjne")
    administrative = page.url.rsplit("/", 1)[1]

    # technical: the picker, every question, a code block; a double click on Utwórz
    page.locator(".topbar-actions a[href='/tickets/new']").first.click()
    page.fill("#f-subject", "Failover HA nie działa")
    page.locator(".ql-editor").click()
    page.keyboard.type("Po aktualizacji PAN-OS klaster nie przełącza się.")
    page.click("#add-asset")  # what was typed comes back with the chosen asset
    page.wait_for_url("**/tickets/new/assets")
    expect(page.get_by_text("Ilość elementów: 2")).to_be_visible()
    screenshot(page, "ticket-picker")
    page.get_by_role("link", name=re.compile(r"^Wybierz PAN-PA-450")).click()
    page.wait_for_url("**/tickets/new?asset=*")
    expect(page.locator("#administrative-notice")).to_have_count(0)
    expect(page.get_by_role("heading", name="Dodatkowe informacje")).to_be_visible()
    expect(page.locator("#f-subject")).to_have_value("Failover HA nie działa")
    expect(page.locator(".ql-editor")).to_have_text(
        "Po aktualizacji PAN-OS klaster nie przełącza się.")
    expect(page.locator("#f-relation_type")).to_have_value("incident")
    page.fill("#f-q_occurred_on", "2026-11-24")
    page.check("input[name=q_new_deployment][value=no]")
    page.check("input[name=q_ever_worked][value=yes]")
    page.check("input[name=q_changes_before][value=yes]")
    page.check("input[name=q_production][value=yes]")
    page.select_option("#f-q_frequency", "daily")
    page.locator(".ql-editor").click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.click("button.ql-code-block")
    page.keyboard.type("ha_agent: peer link down")
    page.select_option("#f-priority", "critical")
    screenshot(page, "ticket-new-technical")
    page.dblclick("#create-ticket")
    page.wait_for_url(TICKET_URL)
    technical = page.url.rsplit("/", 1)[1]
    details = page.locator("main")
    for text in ("Techniczne", "PAN-PA-450", "013201009876", "CLICO-2026-001", "Krytyczny",
                 "Data wystąpienia", "24 lis 2026", "Czy to środowisko produkcyjne?",
                 "Kilka razy dziennie", "Jan Kowalski", "Acme Networks"):
        expect(details).to_contain_text(text)
    expect(page.locator(".rich-text pre")).to_have_text("ha_agent: peer link down")
    screenshot(page, "ticket-page")

    page.get_by_role("link", name="Aktywności").click()
    page.wait_for_url("**/tickets")
    assert sorted(listed(page)) == sorted([administrative, technical])
    expect(page.get_by_text("Ilość elementów: 2")).to_be_visible()
    assert browser_page.errors == []
    assert browser_page.dialogs == []
    assert browser_page.console_errors == []


def test_the_list_filters_sorts_sizes_and_pages_300_tickets(portal, browser_page):
    made = seed_tickets(portal.world, portal.acme.contract.company_id, "jan", 300)
    page = browser_page.open(portal.url)
    sign_in(page, portal, "jan", "jan@example.com")
    open_count = sum(t.status in OPEN_STATUSES for t in made)
    expect(page.get_by_text(f"Ilość elementów: {open_count}")).to_be_visible()
    assert len(listed(page)) == 25

    page.get_by_role("switch", name="Pokaż zamknięte").click()
    expect(page.get_by_text("Ilość elementów: 300")).to_be_visible()

    page.get_by_text("Pokaż filtry").click()
    page.get_by_label("Zamknięte", exact=True).check()
    page.select_option("#f-priority", "high")
    page.fill("#f-q", "vpn")
    page.get_by_role("button", name="Filtruj").click()
    expected = sorted(t.number for t in made if t.status is TicketStatus.CLOSED
                      and t.priority.value == "high" and "VPN" in t.subject)
    expect(page.get_by_text(f"Ilość elementów: {len(expected)}")).to_be_visible()
    assert sorted(listed(page)) == expected
    assert "status=closed" in page.url  # the view is in the URL: bookmarkable, shareable

    page.get_by_role("link", name="Wyczyść filtry").click()
    expect(page.get_by_text("Ilość elementów: 300")).to_be_visible()
    page.get_by_role("link", name="Numer zgłoszenia").click()
    by_number = sorted(t.number for t in made)
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Numer zgłoszenia")
    page.select_option("#page-size", "10")
    page.get_by_role("button", name="Pokaż", exact=True).click()
    expect(page.locator("table.tickets tbody tr")).to_have_count(10)
    assert listed(page) == by_number[:10]
    screenshot(page, "tickets-list")
    page.get_by_role("link", name="Następna").click()
    expect(page.locator("table.tickets tbody tr").first).to_contain_text(by_number[10])
    assert listed(page) == by_number[10:20]
    page.get_by_role("link", name="Następna").click()
    assert listed(page) == by_number[20:30]
    page.get_by_role("link", name="Poprzednia").click()
    assert listed(page) == by_number[10:20]
    page.get_by_role("link", name="Numer zgłoszenia").click()  # flips to descending
    assert listed(page) == by_number[::-1][:10]


def test_a_colleague_sees_the_ticket_another_company_gets_404(portal, browser_page):
    world = portal.world
    ticket = world.services.open_ticket(world.viewer("jan"), OpenTicket(
        "Wspólne zgłoszenie", "<p>dla zespołu</p>"))
    world.register("anna", contract=portal.acme, email="anna@example.com")
    other = world.issue("CLICO-2026-777", "Other Networks")
    world.register("olaf", contract=other, email="olaf@example.com", company="Other Networks")

    colleague = browser_page.open(portal.url)
    sign_in(colleague, portal, "anna", "anna@example.com")
    assert ticket.number in listed(colleague)
    colleague.get_by_role("link", name=ticket.number).click()
    expect(colleague.locator("main")).to_contain_text("Wspólne zgłoszenie")

    stranger = browser_page.open(portal.url, language="en")
    sign_in(stranger, portal, "olaf", "olaf@example.com")
    assert ticket.number not in listed(stranger)
    response = stranger.goto(f"/tickets/{ticket.number}")
    assert response is not None
    assert response.status == 404
    expect(stranger.locator("main")).not_to_contain_text("Wspólne zgłoszenie")


ATTACK = ('<script>alert("script")</script><img src="x" onerror="alert(\'img\')">'
          '<a href="javascript:alert(\'link\')">kliknij</a><p onmouseover="alert(\'p\')">p</p>'
          '<svg onload="alert(\'svg\')"></svg>')


def test_script_handlers_and_javascript_links_never_run(portal, browser_page):
    page = browser_page.open(portal.url)
    sign_in(page, portal, "jan", "jan@example.com")
    page.goto("/tickets/new")
    page.fill("#f-subject", '<img src=x onerror="alert(\'subject\')">')
    page.locator(".ql-editor").click()
    page.keyboard.type(ATTACK)  # typed into the editor: text, shown as text
    page.click("#create-ticket")
    page.wait_for_url(TICKET_URL)
    expect(page.locator(".rich-text")).to_contain_text("<script>")

    # the raw HTML posted past the editor (form.submit() skips its submit handler)
    page.goto("/tickets/new")
    page.fill("#f-subject", "Posted past the editor")
    page.evaluate("""html => {
        const form = document.getElementById('ticket-form');
        form.querySelector('textarea[name=description]').value = html;
        form.querySelector('input[name=format]').value = 'html';
        form.submit();
    }""", ATTACK)
    page.wait_for_url(TICKET_URL)
    body = page.locator(".rich-text")
    expect(body).to_contain_text("kliknij")
    assert page.locator(".rich-text script, .rich-text svg, .rich-text [onerror], "
                        ".rich-text [onmouseover], .rich-text a[href^='javascript']").count() == 0
    page.get_by_text("kliknij").click()
    page.locator(".rich-text p").last.hover()
    page.get_by_role("link", name="Aktywności").click()
    page.wait_for_url("**/tickets")
    assert browser_page.dialogs == []


def test_the_form_works_without_javascript(portal, browser_page):
    page = browser_page.open(portal.url, javascript=False)
    sign_in(page, portal, "jan", "jan@example.com")
    page.goto("/tickets/new")
    page.click("#add-asset")
    page.get_by_role("link", name=re.compile(r"^Wybierz FortiGate")).click()
    page.fill("#f-subject", "Bez JavaScriptu")
    page.fill("#f-description", "Pierwsza linia\ndruga linia\n\nNowy akapit <b>nie pogrubiony</b>")
    page.fill("#f-q_occurred_on", "2026-11-20")
    page.check("input[name=q_production][value=no]")  # FORTINET: the default questions
    page.select_option("#f-q_frequency", "once")
    page.dblclick("#create-ticket")  # no script to stop the second request: the key does
    page.wait_for_url(TICKET_URL)
    expect(page.locator(".rich-text p")).to_have_count(2)
    expect(page.locator(".rich-text")).to_contain_text("<b>nie pogrubiony</b>")
    expect(page.locator("main")).to_contain_text("FortiGate 100F")
    page.goto("/tickets")
    expect(page.locator("table.tickets tbody tr")).to_have_count(1)
    expect(page.get_by_text("Ilość elementów: 1")).to_be_visible()


def _closed_weeks_ago(portal: Portal, subject: str) -> str:
    """A ticket of Jan's closed 15 days ago (the system clock: its moments are rewritten)."""
    services = portal.world.services
    number = services.open_ticket(portal.world.viewer("jan"), OpenTicket(
        subject, "<p>The tunnel drops every hour.</p>", relation_type="configuration")).number
    with services.ports.uow() as uow:
        ticket = uow.tickets.get_by_number(number)
        assert ticket is not None
        ticket.status = TicketStatus.CLOSED
        ticket.closed_at = ticket.modified_at = services.ports.clock.now() - timedelta(days=15)
        assert uow.tickets.update_state(ticket)
        uow.commit()
    return number


def test_a_ticket_closed_weeks_ago_is_followed_up_by_a_linked_one(portal, browser_page):
    old = _closed_weeks_ago(portal, "Tunel VPN się rozłącza")
    page = browser_page.open(portal.url)
    sign_in(page, portal, "jan", "jan@example.com")
    page.goto(f"/tickets/{old}")
    expect(page.locator("#reply-form")).to_have_count(0)
    button = page.get_by_role("button", name="Utwórz nowe zgłoszenie")
    expect(button).to_be_visible()
    screenshot(page, "ticket-follow-up")
    button.click()
    page.wait_for_url(f"**/tickets/new?follows={old}")
    expect(page.locator("#follow-up-notice")).to_contain_text(old)
    expect(page.locator("#f-subject")).to_have_value("Tunel VPN się rozłącza")
    expect(page.locator("#f-relation_type")).to_have_value("configuration")
    page.locator(".ql-editor").click()
    page.keyboard.type("Problem wrócił po aktualizacji.")
    screenshot(page, "ticket-follow-up-form")
    page.click("#create-ticket")
    page.wait_for_url(TICKET_URL)
    new = page.url.rsplit("/", 1)[1]
    expect(page.locator("#follows")).to_have_text(old)
    page.locator("#follows a").click()
    page.wait_for_url(f"**/tickets/{old}")
    expect(page.locator("#followed-by")).to_have_text(new)
    assert browser_page.errors == []
    assert browser_page.console_errors == []


@pytest.mark.parametrize(("language", "new"), [("pl", "Nowe"), ("en", "New")])
def test_a_phone_keeps_the_status_column_on_screen(portal, browser_page, language, new):
    world = portal.world
    world.services.open_ticket(world.viewer("jan"), OpenTicket(
        "Klaster HA przełącza się co kilka minut bez wyraźnej przyczyny", "<p>opis</p>"))
    page = browser_page.open(portal.url, width=390, height=844)
    sign_in(page, portal, "jan", "jan@example.com")
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_url("**/tickets")
    status = page.locator("table.tickets tbody .status").first
    expect(page.get_by_role("columnheader", name="Status")).to_be_in_viewport(ratio=1)
    expect(status).to_be_in_viewport(ratio=1)
    expect(status).to_have_text(new)
    if language == "pl":
        screenshot(page, "tickets-phone")
