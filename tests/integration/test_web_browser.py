"""The portal in a real browser (Playwright + Debian's Chromium), mails read from aiosmtpd.

The app is the real one: ``create_app(settings)`` builds SQLite in a temporary data directory
and starts the mail worker, which delivers over SMTP to the test server. Each step saves a
screenshot into ``docs/screenshots/`` (linked from ``docs/user-guide.md``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage

import pytest
from attrs import frozen

from clico_core.services import AssetSpec, IssueContract, IssuedContract, MigratedAccount
from clico_web import Mode, Settings, create_app

from .browser import CHROMIUM, BrowserPages, LiveServer, screenshot
from .smtp import SmtpServer
from .web_fixtures import PASSWORD

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect
NEW_PASSWORD = "a brand new passphrase 42"


@frozen
class Portal:
    url: str
    smtp: SmtpServer
    first: IssuedContract
    second: IssuedContract


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium")
    made: dict[str, object] = {}

    def make_app(url: str):  # type: ignore[no-untyped-def]
        settings = Settings(base_url=url, mode=Mode.DEMO,
                            data_dir=tmp_path_factory.mktemp("portal"), mail_url=smtp.url,
                            secret_key="browser-test-secret-key-0123456789abcdef")
        app = create_app(settings)
        services = app.state.portal.services
        until = services.ports.today() + timedelta(days=365)
        made["first"] = services.issue_contract(IssueContract(
            "CLICO-2026-001", "Acme Networks", until, support_level="standard",
            assets=(AssetSpec("PAN-PA-450", "PALO_ALTO", "013201009876"),)))
        made["second"] = services.issue_contract(IssueContract(
            "CLICO-2026-002", "Acme Networks", until, support_level="premium",
            assets=(AssetSpec("PAN-PA-220", "PALO_ALTO", "012801004321"),
                    AssetSpec("FortiGate 100F", "FORTINET", "00:09:0f:aa:bb:cc"))))
        services.import_migrated_accounts([MigratedAccount(
            1, "olga.stara@example.com", "Olga", "Stara", "+48 22 100 20 30", "Acme Networks")])
        return app

    with SmtpServer() as smtp:
        server = LiveServer()
        try:
            url = server.serve(make_app)
            yield Portal(url, smtp, made["first"], made["second"])  # type: ignore[arg-type]
        finally:
            server.stop()


@pytest.fixture
def page(browser_page: BrowserPages, portal: Portal):  # type: ignore[no-untyped-def]
    """An English page of the shared fixture (so every state of it is audited by axe-core)."""
    return browser_page.open(portal.url, language="en", height=800)


shot = screenshot


def sign_in(page, portal: Portal, login: str, password: str, address: str,  # type: ignore[no-untyped-def]
            name: str | None = None) -> None:
    page.goto("/signin")
    page.get_by_label("Login", exact=True).fill(login)
    page.get_by_label("Password", exact=True).fill(password)
    if name:
        shot(page, name)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/signin/code")
    expect(page.get_by_text("A code has been sent to your email address")).to_be_visible()
    code = re.search(r"\b(\d{6})\b", text_of(portal.smtp.wait_for(address, timeout=20)))
    assert code
    page.get_by_label("Enter your code").fill(code.group(1))
    if name:
        shot(page, "sign-in-code")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**/tickets")


def test_sign_up_confirm_sign_in_activate_and_see_contracts_and_assets(page, portal):
    page.goto("/")
    page.wait_for_url("**/signin")
    page.get_by_role("link", name="Sign Up").click()
    fields = {"Login": "ewa.nowak", "Email": "ewa.nowak@example.com", "First name": "Ewa",
              "Last name": "Nowak", "Password": PASSWORD, "Confirm password": "not the same",
              "Phone Number": "+48 600 100 200", "Contract Number": portal.first.contract.number,
              "Activation Code": portal.first.activation_key, "Company": "Acme Networks"}
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    shot(page, "sign-up")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("The passwords do not match.")).to_be_visible()
    expect(page.get_by_label("Login", exact=True)).to_have_value("ewa.nowak")
    assert page.get_by_label("Password", exact=True).input_value() == ""
    shot(page, "sign-up-errors")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Open the link in it to confirm your email address.")).to_be_visible()
    shot(page, "sign-up-done")

    link = re.search(r"https?://\S+/confirm/[A-Za-z0-9_-]+",
                     text_of(portal.smtp.wait_for("ewa.nowak@example.com", timeout=20)))
    assert link
    page.goto(link.group(0))
    shot(page, "confirm-email")
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("Email has been confirmed.")).to_be_visible()
    shot(page, "email-confirmed")

    sign_in(page, portal, "ewa.nowak", PASSWORD, "ewa.nowak@example.com", name="sign-in")
    page.get_by_role("button", name="Polski").click()
    expect(page.get_by_role("heading", name="Aktywności")).to_be_visible()
    expect(page.get_by_text("Brak danych do wyświetlenia.")).to_be_visible()
    shot(page, "activities-empty")

    page.get_by_role("link", name="Zarejestruj kontrakt").first.click()
    page.get_by_label("Numer kontraktu").fill(portal.second.contract.number)
    page.get_by_label("Klucz kontraktu").fill("WRONG-KEY")
    page.get_by_role("button", name="Zastosuj").click()
    expect(page.get_by_text("Numer lub klucz kontraktu jest nieprawidłowy.")).to_be_visible()
    shot(page, "register-contract-error")
    page.get_by_label("Klucz kontraktu").fill(portal.second.activation_key)
    shot(page, "register-contract")
    page.get_by_role("button", name="Zastosuj").click()
    page.wait_for_url("**/contracts?activated=1")
    body = page.locator("main").inner_text()
    for text in (portal.first.contract.number, portal.second.contract.number, "PAN-PA-450",
                 "PAN-PA-220", "FortiGate 100F", "Acme Networks", "premium"):
        assert text in body, text
    shot(page, "contracts")
    page.get_by_role("link", name=portal.second.contract.number).click()
    expect(page.locator("main")).to_contain_text("00:09:0f:aa:bb:cc")
    shot(page, "contract")

    page.get_by_role("link", name="Moje Zasoby").click()
    expect(page.get_by_text("Ilość elementów: 3")).to_be_visible()
    shot(page, "my-assets")
    page.get_by_role("link", name="PALO_ALTO").click()
    expect(page.get_by_text("Ilość elementów: 2")).to_be_visible()
    expect(page.locator("table")).not_to_contain_text("FortiGate")

    page.get_by_role("link", name="Klient").click()
    expect(page.locator("main")).to_contain_text("ewa.nowak@example.com")
    shot(page, "customer")
    page.get_by_role("link", name="Baza Wiedzy").click()
    shot(page, "knowledge-base")

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="Moje Zasoby").click()
    shot(page, "my-assets-phone")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("button", name="Wyloguj").click()
    page.wait_for_url("**/signin")
    page.goto("/tickets")
    page.wait_for_url("**/signin")


def test_a_migrated_account_resets_its_password_and_signs_in_with_its_email(page, portal):
    page.goto("/signin")
    page.get_by_label("Login", exact=True).fill("olga.stara@example.com")
    page.get_by_label("Password", exact=True).fill("her old TAC password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("set a new password with Forgot my password first")).to_be_visible()
    shot(page, "sign-in-migrated")

    page.get_by_role("link", name="Forgot my password").click()
    page.get_by_label("Login or email").fill("olga.stara@example.com")
    shot(page, "forgot-password")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Your password has been reset. Check your email for further "
                            "instructions.")).to_be_visible()
    shot(page, "forgot-password-done")

    link = re.search(r"https?://\S+/password/reset/[A-Za-z0-9_-]+",
                     text_of(portal.smtp.wait_for("olga.stara@example.com", timeout=20)))
    assert link
    page.goto(link.group(0))
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password", exact=True).fill(NEW_PASSWORD)
    shot(page, "reset-password")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Password has been changed.").first).to_be_visible()
    shot(page, "password-changed")
    portal.smtp.wait_for("olga.stara@example.com", timeout=20)  # the "password changed" notice

    sign_in(page, portal, "olga.stara@example.com", NEW_PASSWORD, "olga.stara@example.com")
    expect(page.locator("header")).to_contain_text("Olga Stara")
    shot(page, "activities-migrated-user")


def test_keyboard_only_sign_in_form(page, portal):
    page.goto("/signin")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.locator(":focus")).to_have_text("Skip to content")
    page.get_by_label("Login", exact=True).focus()
    page.keyboard.type("nobody")
    page.keyboard.press("Tab")
    page.keyboard.type("wrong password!")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Wrong login or password.")).to_be_visible()
