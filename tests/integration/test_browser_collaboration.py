"""Two engineers on one ticket in real browsers (Playwright + Chromium, over SQLite): each
sees the other under ``Teraz przegląda``, a status chosen on a page the other has changed
since is refused with the change named and the typed text kept, and ``Wstaw szablon``
inserts a filled template into the editor. Screenshots go to ``docs/screenshots/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from attrs import frozen

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import SystemClock
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_core.services import CreateStaff, OpenTicket, SaveReplyTemplate
from clico_web import Settings, create_app

from ..support import PASSWORD, World, sealing_box
from .browser import LiveServer, screenshot, sign_in_through_pages

pytestmark = pytest.mark.browser
playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect


@frozen
class Portal:
    url: str
    world: World


@pytest.fixture
def portal(tmp_path: Path, live_server: LiveServer, web_hasher: Argon2Hasher
           ) -> Iterator[Portal]:
    """The real app over a migrated SQLite file, the system clock, mails from the outbox."""
    database = SqlDatabase.from_url(f"sqlite:///{tmp_path / 'portal.db'}", box=sealing_box())
    database.upgrade()
    services = bootstrap(uow=database.uow_factory, hasher=web_hasher)
    world = World(services, SystemClock(), database.mail_queue, today=services.ports.today())
    world.register("jan", contract=world.issue("CLICO-2026-001", "Acme Networks"),
                   email="jan@example.com")
    url = live_server.serve(lambda base: create_app(
        Settings(base_url=base, secret_key="browser-collab-secret-0123456789abcdef",
                 start_mail_worker=False), services=services))
    yield Portal(url, world)
    live_server.stop()
    database.dispose()


def sign_in(page, portal: Portal, email: str) -> None:  # type: ignore[no-untyped-def]
    sign_in_through_pages(page, portal.world, email, email, password=PASSWORD)


def _engineer(portal: Portal, email: str, first: str, last: str) -> None:
    _, path = portal.world.services.create_staff_account(CreateStaff(email, first, last))
    portal.world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)


def test_two_engineers_see_each_other_a_stale_status_is_refused_a_template_is_inserted(
        portal, browser_page):
    world = portal.world
    ticket = world.services.open_ticket(world.viewer("jan"), OpenTicket(
        "VPN zrywa połączenie", "<p>Od poniedziałku.</p>"))
    _engineer(portal, "ewa@clico.pl", "Ewa", "Inżynier")
    _engineer(portal, "piotr@clico.pl", "Piotr", "Serwisant")
    ewa_viewer = world.services.authenticate(world.sign_in("ewa@clico.pl"))
    assert ewa_viewer is not None
    world.services.save_reply_template(ewa_viewer, SaveReplyTemplate(
        "Prośba o logi", "<p>Dzień dobry {{ customer_name }},</p><p>prosimy o logi do "
        "zgłoszenia {{ ticket_number }}.</p>"))

    ewa = browser_page.open(portal.url)
    piotr = browser_page.open(portal.url)
    for page in (ewa, piotr):
        page.add_init_script("window.clicoPresenceEvery = 300")
    sign_in(ewa, portal, "ewa@clico.pl")
    sign_in(piotr, portal, "piotr@clico.pl")
    ewa.goto(f"/tickets/{ticket.number}")
    piotr.goto(f"/tickets/{ticket.number}")
    # Piotr's page load saw Ewa; Ewa's beat, without reloading, sees Piotr
    expect(piotr.locator("#presence")).to_contain_text("Teraz przegląda: Ewa Inżynier")
    expect(ewa.locator("#presence")).to_contain_text("Teraz przegląda: Piotr Serwisant")
    screenshot(piotr, "ticket-presence")

    # Ewa types a reply and picks a status; Piotr changes the status first
    ewa.locator("#f-body-editor .ql-editor").fill("Problem rozwiązany po aktualizacji.")
    ewa.select_option("#f-new_status", "resolved")
    piotr.select_option("#f-new_status", "waiting_for_customer")
    piotr.locator("#f-body-editor .ql-editor").fill("Proszę o logi z urządzenia.")
    piotr.click("#send-reply")
    expect(piotr.locator(".status")).to_contain_text("Oczekuje na klienta")
    ewa.click("#send-reply")
    alert = ewa.locator("[role=alert]")
    expect(alert).to_contain_text("Status zmieniony z Nowe na Oczekuje na klienta "
                                  "przez Piotr Serwisant")
    expect(alert).to_contain_text("Twoja zmiana nie została zapisana.")
    expect(ewa.locator("#f-body-editor .ql-editor")).to_contain_text(
        "Problem rozwiązany po aktualizacji.")
    expect(ewa.locator(".ticket-page .status")).to_contain_text("Oczekuje na klienta")
    screenshot(ewa, "ticket-stale-change")

    # Piotr inserts the template where his cursor is, keeping what he typed
    piotr.locator("#f-body-editor .ql-editor").fill("Uzupełnienie: ")
    piotr.select_option("#f-template", label="Prośba o logi")
    piotr.click("#insert-template-button")
    editor = piotr.locator("#f-body-editor .ql-editor")
    expect(editor).to_contain_text("Dzień dobry Jan Kowalski,")
    expect(editor).to_contain_text(f"prosimy o logi do zgłoszenia {ticket.number}.")
    expect(editor).to_contain_text("Uzupełnienie:")
    assert "template=" not in piotr.url  # inserted in place, no reload
    screenshot(piotr, "ticket-insert-template")
    piotr.goto("/staff/templates")
    expect(piotr.locator("h1")).to_have_text("Szablony odpowiedzi")
    screenshot(piotr, "reply-templates")
    assert browser_page.errors == []
    # the refused form's answer is a 409, which the browser logs; nothing else went wrong
    assert [e for e in browser_page.console_errors if "409 (Conflict)" not in e] == []
