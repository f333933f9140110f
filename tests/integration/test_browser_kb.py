"""``Baza Wiedzy`` in real Chromium on SQLite and PostgreSQL: an engineer publishes an
article in Polish and English (``Nowy artykuł``, ``Tytuł``, ``Treść``, ``Widoczność``,
``Opublikuj``); an anonymous reader goes from the sign-in page to ``Baza Wiedzy`` and finds
it by typing ``zrywa sie`` into ``Szukaj``; a customer typing a ticket's subject sees it
suggested for their asset's vendor; an internal article never appears to the customer and
is a 404. The engineer attaches a file to the public article (``Dołącz pliki``) and the
anonymous reader downloads it from the article's page. Screenshots go to
``docs/screenshots/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from attrs import frozen

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import SystemClock
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_core.services import CreateStaff, KbTextInput, SaveKbArticle
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
    asset_id: str


@pytest.fixture
def portal(database_url: str, live_server: LiveServer, web_hasher: Argon2Hasher
           ) -> Iterator[Portal]:
    database = SqlDatabase.from_url(database_url, box=sealing_box())
    services = bootstrap(uow=database.uow_factory, hasher=web_hasher)
    world = World(services, SystemClock(), database.mail_queue, today=services.ports.today())
    world.register("jan", contract=world.issue("CLICO-2026-001", "Acme Networks"),
                   email="jan@example.com")
    _, path = services.create_staff_account(CreateStaff("ewa@clico.pl", "Ewa", "Inżynier"))
    services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    asset_id = services.list_covered_assets(world.viewer("jan")).rows[0].id
    url = live_server.serve(lambda base: create_app(
        Settings(base_url=base, secret_key="browser-kb-secret-0123456789abcdefghij",
                 start_mail_worker=False), services=services))
    yield Portal(url, world, asset_id)
    live_server.stop()
    database.dispose()


def test_publish_find_suggest_and_hide(portal: Portal, browser_page,  # type: ignore[no-untyped-def]
                                       tmp_path: Path) -> None:
    world = portal.world
    config = tmp_path / "pan-os-ipsec.txt"
    config.write_text("set network ike gateway gw1 protocol ikev2 dpd enable yes\n")
    internal = world.services.save_kb_article(world.viewer("ewa@clico.pl"), SaveKbArticle(
        (KbTextInput("pl", "Procedura eskalacji: tunel zrywa się",
                     "<p>Tylko dla zespołu wsparcia.</p>"),), "wewnętrzny",
        vendors=("PALO_ALTO",)))

    staff = browser_page.open(portal.url)
    sign_in_through_pages(staff, world, "ewa@clico.pl", "ewa@clico.pl", password=PASSWORD)
    staff.goto("/knowledge")
    staff.get_by_role("link", name="Nowy artykuł").click()
    staff.get_by_label("Tytuł", exact=True).fill("Tunel VPN zrywa się po aktualizacji")
    editors = staff.locator(".ql-editor")
    editors.nth(0).click()
    staff.keyboard.type("Po aktualizacji PAN-OS tunel IPsec zrywa się co godzinę.")
    staff.get_by_label("Tytuł (po angielsku)").fill("VPN tunnel drops after an upgrade")
    editors.nth(1).click()
    staff.keyboard.type("After upgrading PAN-OS the IPsec tunnel drops every hour.")
    staff.get_by_label("Widoczność").select_option("publiczny")
    staff.get_by_label("Kategoria").fill("VPN")
    staff.get_by_label("Producenci (np. PALO_ALTO FORTINET)").fill("PALO_ALTO")
    staff.get_by_label("Dołącz pliki").set_input_files(str(config))
    screenshot(staff, "kb-new-article")
    staff.get_by_role("button", name="Opublikuj").click()
    staff.wait_for_url("**/kb/*-tunel-vpn-zrywa-sie-po-aktualizacji")
    expect(staff.locator("#page-heading")).to_have_text("Tunel VPN zrywa się po aktualizacji")
    screenshot(staff, "kb-article")
    staff.get_by_role("link", name="Historia").click()
    expect(staff.locator("table.kb-history").first.get_by_role(
        "cell", name="Ewa Inżynier")).to_be_visible()
    expect(staff.get_by_role("cell", name="Dołączono plik: pan-os-ipsec.txt")).to_be_visible()

    reader = browser_page.open(portal.url)
    reader.goto("/signin")
    reader.get_by_role("link", name="Baza Wiedzy").click()
    reader.get_by_label("Szukaj").fill("zrywa sie")
    reader.get_by_role("button", name="Szukaj").click()
    results = reader.locator(".kb-results li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Tunel VPN zrywa się po aktualizacji")
    expect(results.first.locator("mark").first).to_have_text("zrywa")
    screenshot(reader, "kb-search")
    results.first.get_by_role("link").click()
    expect(reader).to_have_title("Tunel VPN zrywa się po aktualizacji · CLICO Support System")
    with reader.expect_download() as downloading:
        reader.get_by_role("link", name="pan-os-ipsec.txt").click()
    download = downloading.value
    assert download.suggested_filename == "pan-os-ipsec.txt"
    assert Path(download.path()).read_text() == config.read_text()

    customer = browser_page.open(portal.url)
    sign_in_through_pages(customer, world, "jan", "jan@example.com", password=PASSWORD)
    customer.goto(f"/tickets/new?asset={portal.asset_id}")
    customer.get_by_label("Temat").press_sequentially("vpn zrywa", delay=30)
    suggestions = customer.locator("#kb-suggestions li")
    expect(suggestions).to_have_count(1)
    expect(suggestions.first).to_contain_text("Tunel VPN zrywa się po aktualizacji")
    screenshot(customer, "kb-suggestions")
    customer.goto("/knowledge?q=zrywa")
    expect(customer.locator(".kb-results li")).to_have_count(1)
    answer = customer.goto(f"/kb/{internal.id}-{internal.slug(internal.texts[0].language)}")
    assert answer is not None and answer.status == 404
