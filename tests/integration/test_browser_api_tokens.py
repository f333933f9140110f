"""API tokens in a real browser (Playwright + Debian's Chromium), on SQLite and PostgreSQL:
a customer creates a token on the account page (``Tokeny API``), sees it once, a script
uses it with httpx, and the customer revokes it; the script is refused from then on. Every
page state is audited by axe (the browser fixtures)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from attrs import frozen

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import SystemClock
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_web import Settings, create_app

from ..support import World, sealing_box
from .browser import LiveServer, sign_in_through_pages

pytestmark = pytest.mark.browser
playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect


@frozen
class Portal:
    url: str
    world: World


@pytest.fixture
def portal(database_url: str, live_server: LiveServer, web_hasher: Argon2Hasher
           ) -> Iterator[Portal]:
    database = SqlDatabase.from_url(database_url, box=sealing_box())
    services = bootstrap(uow=database.uow_factory, hasher=web_hasher)
    world = World(services, SystemClock(), database.mail_queue, today=services.ports.today())
    world.register("jan", contract=world.issue("CLICO-2026-001", "Acme Networks"),
                   email="jan@example.com")
    url = live_server.serve(lambda base: create_app(
        Settings(base_url=base, secret_key="browser-api-token-secret-0123456789abcdef",
                 start_mail_worker=False), services=services))
    yield Portal(url, world)
    live_server.stop()
    database.dispose()


def test_a_token_is_created_seen_once_used_and_revoked(portal, browser_page):  # type: ignore[no-untyped-def]
    page = browser_page.open(portal.url)
    sign_in_through_pages(page, portal.world, "jan", "jan@example.com")
    page.goto("/account/password")
    expect(page.get_by_role("heading", name="Tokeny API")).to_be_visible()
    page.get_by_label("Nazwa tokenu").fill("Skrypt CI")
    page.locator("#f-token-scope").select_option("read")
    page.get_by_role("button", name="Utwórz token").click()
    secret = page.locator("#new-api-token").inner_text().strip()
    assert secret.startswith("clico_pat_")
    api = httpx.Client(base_url=portal.url + "/api/v1",
                       headers={"Authorization": f"Bearer {secret}"}, timeout=30)
    with api:
        me = api.get("/me")
        assert me.status_code == 200, me.text
        assert me.json()["login"] == "jan" and me.json()["token_scope"] == "read"
        contracts = api.get("/contracts").json()["items"]
        assert [c["number"] for c in contracts] == ["CLICO-2026-001"]
        assert api.post("/tickets", json={}).status_code == 403  # a read token
        page.goto("/account/password")  # seen once: never again
        expect(page.locator("#api-token-list")).to_contain_text("Skrypt CI")
        assert secret not in page.content()
        page.get_by_role("button", name="Unieważnij token Skrypt CI").click()
        expect(page.get_by_role("status")).to_contain_text("Token został unieważniony.")
        assert api.get("/me").status_code == 401
