"""Webhooks in a real browser (Playwright + Debian's Chromium), on SQLite and PostgreSQL: an
administrator registers an endpoint on a loopback receiver and copies the secret shown once;
a customer's ticket is delivered, signed with that secret; the delivery log shows it and
``Wyślij ponownie`` sends it again with the same id. Screenshots go to ``docs/screenshots/``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from attrs import frozen

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import SystemClock
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_adapters.webhooks import HttpxSender, WebhookWorker
from clico_core.services import CreateStaff, OpenTicket
from clico_core.values import Role
from clico_web import Settings, create_app

from ..support import PASSWORD, World, sealing_box
from .browser import LiveServer, screenshot, sign_in_through_pages
from .webhook_support import Receiver, receiving, verify

pytestmark = pytest.mark.browser
playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

ADMIN = "admin@clico.pl"


@frozen
class Portal:
    url: str
    world: World
    database: SqlDatabase
    receiver: Receiver


@pytest.fixture
def portal(database_url: str, live_server: LiveServer, web_hasher: Argon2Hasher
           ) -> Iterator[Portal]:
    database = SqlDatabase.from_url(database_url, box=sealing_box())
    services = bootstrap(uow=database.uow_factory, hasher=web_hasher,
                         webhooks_allow_private=True)
    world = World(services, SystemClock(), database.mail_queue, today=services.ports.today())
    world.register("jan", contract=world.issue("CLICO-2026-001", "Acme Networks", assets=()),
                   email="jan@example.com")
    _, path = services.create_staff_account(CreateStaff(ADMIN, "Ada", "Nowak", Role.ADMIN))
    services.reset_password(path.rsplit("/", 1)[-1], PASSWORD, PASSWORD)
    url = live_server.serve(lambda base: create_app(
        Settings(base_url=base, secret_key="browser-webhook-secret-0123456789abcdef",
                 start_mail_worker=False), services=services))
    with receiving() as receiver:
        yield Portal(url, world, database, receiver)
    live_server.stop()
    database.dispose()


def _deliver(portal: Portal, count: int) -> None:
    worker = WebhookWorker(portal.database.webhook_queue, HttpxSender(allow_private=True),
                           portal.world.clock)
    deadline = time.monotonic() + 20
    while len(portal.receiver.accepted) < count and time.monotonic() < deadline:
        worker.run_once()
    assert len(portal.receiver.accepted) == count


def test_an_endpoint_is_registered_and_its_deliveries_sent_again(portal, browser_page):  # type: ignore[no-untyped-def]
    admin = browser_page.open(portal.url)
    sign_in_through_pages(admin, portal.world, ADMIN, ADMIN, password=PASSWORD)
    admin.get_by_role("link", name="Webhooki").click()
    admin.wait_for_url("**/admin/webhooks")
    admin.fill("#f-url", portal.receiver.url("/clico"))
    admin.fill("#f-company", "Acme Networks")
    admin.get_by_label("Utworzenie zgłoszenia").check()
    admin.get_by_label("Odpowiedź publiczna").check()
    screenshot(admin, "admin-webhook-new")
    admin.get_by_role("button", name="Zarejestruj punkt odbioru").click()
    secret = admin.locator("#webhook-secret").inner_text()
    assert len(secret) >= 40
    expect(admin.locator("main table")).to_contain_text("Acme Networks")
    screenshot(admin, "admin-webhook-secret")

    jan = portal.world.viewer("jan")
    portal.world.services.open_ticket(jan, OpenTicket("VPN down", "<p>It drops.</p>"))
    _deliver(portal, 1)
    (first,) = portal.receiver.accepted
    assert first.event == "ticket.created"
    assert verify(secret, first.signature, first.body, int(time.time()))

    admin.goto("/admin/webhooks")
    admin.get_by_role("link", name=portal.receiver.url("/clico")).click()
    log = admin.locator("main table")
    for text in ("Utworzenie zgłoszenia", "Dostarczone", "204", first.delivery[:8]):
        expect(log).to_contain_text(text)
    screenshot(admin, "admin-webhook-log")
    admin.get_by_role("button", name="Wyślij ponownie").click()
    expect(admin.locator("main")).to_contain_text("Dostarczenie zostanie wysłane ponownie.")
    expect(admin.locator("main table")).to_contain_text("Oczekuje")
    _deliver(portal, 2)
    assert portal.receiver.accepted[1].delivery == first.delivery
    assert portal.receiver.accepted[1].body == first.body
    admin.reload()
    expect(admin.locator("main table")).to_contain_text("Dostarczone")

    admin.get_by_role("button", name="Wyłącz punkt odbioru").click()
    expect(admin.locator("#webhook-disabled")).to_have_text("Punkt odbioru wyłączony")
    screenshot(admin, "admin-webhook-disabled")
    portal.world.services.open_ticket(jan, OpenTicket("Switch", "<p>Ports flap.</p>"))
    admin.reload()
    expect(admin.get_by_role("button", name="Wyślij ponownie")).to_have_count(1)
    admin.get_by_role("button", name="Włącz punkt odbioru").click()
    expect(admin.locator("main")).to_contain_text("Punkt odbioru został włączony.")
    admin.get_by_label("Utworzenie zgłoszenia").uncheck()
    admin.get_by_role("button", name="Zapisz zdarzenia").click()
    expect(admin.locator("main")).to_contain_text("Zdarzenia zostały zapisane.")
    expect(admin.get_by_label("Utworzenie zgłoszenia")).not_to_be_checked()
    expect(admin.get_by_label("Odpowiedź publiczna")).to_be_checked()
    admin.get_by_role("button", name="Usuń punkt odbioru").click()
    admin.wait_for_url("**/admin/webhooks?deleted=1")
    expect(admin.locator("main")).to_contain_text("Punkt odbioru i jego dziennik")
    expect(admin.get_by_role("link", name=portal.receiver.url("/clico"))).to_have_count(0)
