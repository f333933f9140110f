"""Reusable browser-test fixtures: a live server and Playwright pages on Debian's Chromium.

``live_server.serve(make_app)`` serves any ASGI app with uvicorn on a free loopback port in a
background thread (``make_app`` receives the base URL, for ``Settings(base_url=…)``) and stops
it after the test. ``browser_page.open(url)`` gives a fresh browser context's page; every
JavaScript dialog (``alert``, ``prompt``…) is dismissed and recorded in ``dialogs``, every
uncaught page error in ``errors`` and every console error (e.g. a CSP violation) in
``console_errors``, so tests can prove that injected script never ran. Every page is watched
by an axe-core ``Auditor`` (``a11y.py``): each page state the test acts on, every navigation,
every screenshot and the last state at teardown are audited, and any accessibility violation
fails the test with the rule, its impact and the element.
The fixtures are registered in ``conftest.py``; mark the tests ``@pytest.mark.browser``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from clico_core.mail import MailTemplate

from .a11y import Auditor, require_accessible
from .smtp import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


class LiveServer:
    """Apps served on free loopback ports; all stopped by ``stop``."""

    def __init__(self) -> None:
        self._running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def serve(self, make_app: Callable[[str], Any]) -> str:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = uvicorn.Server(uvicorn.Config(make_app(url), host="127.0.0.1", port=port,
                                               log_level="warning", lifespan="on", ws="none"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.05)
        self._running.append((server, thread))
        return url

    def stop(self) -> None:
        for server, _ in self._running:
            server.should_exit = True
        for _, thread in self._running:
            thread.join(timeout=30)
        self._running.clear()


@pytest.fixture
def live_server() -> Iterator[LiveServer]:
    server = LiveServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def chromium():  # type: ignore[no-untyped-def]
    """Chromium, launched once per test module (Playwright allows one sync driver at a time)."""
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class BrowserPages:
    """Pages in fresh contexts; dialogs and page errors of all of them are recorded."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.contexts: list[Any] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.console_errors: list[str] = []
        self.auditor = Auditor()
        self.pages: list[Any] = []

    def open(self, base_url: str, *, language: str = "pl", javascript: bool = True,
             width: int = 1280, height: int = 860) -> Any:
        locale = {"pl": "pl-PL", "en": "en-US"}.get(language, language)
        context = self.browser.new_context(
            base_url=base_url, locale=locale, java_script_enabled=javascript,
            viewport={"width": width, "height": height})
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)
        self.pages.append(page)
        return self.auditor.watch(page, javascript=javascript)

    def _console(self, message: Any) -> None:
        if message.type == "error":  # e.g. a Content-Security-Policy violation
            url = (message.location or {}).get("url", "")
            if not url.endswith("/favicon.ico"):
                self.console_errors.append(f"{message.text} ({url})")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def close(self) -> None:
        """Audit the last state of every page still open, then close every context."""
        try:
            for page in self.pages:
                if not page.is_closed():
                    self.auditor.check(page)
        finally:
            for context in self.contexts:
                context.close()


@pytest.fixture
def browser_page(chromium: Any) -> Iterator[BrowserPages]:
    pages = BrowserPages(chromium)
    try:
        yield pages
    finally:
        pages.close()


def screenshot(page: Any, name: str) -> None:
    """A full-page PNG into ``docs/screenshots/<name>.png`` (linked from the user guide),
    of a page that passes the axe-core audit."""
    require_accessible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in_through_pages(page: Any, world: Any, login: str, email: str, *,
                          password: str = "correct horse battery staple",
                          mailed_code: Callable[[], str] | None = None) -> list[str]:
    """Sign in as a person would: password, then the e-mailed code (``mailed_code`` reads it,
    by default from ``world``'s outbox) or the authenticator app's code; a staff member
    without the app enrols it on the way (its secret kept in ``world.totp_secrets``) and
    goes on past the recovery codes, which are returned. Ends on the first page after."""
    page.goto("/signin")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/signin/code*")
    if "app=1" in page.url:
        code = world.totp_code(login)
    elif mailed_code is not None:
        code = mailed_code()
    else:
        code = world.last_mail(MailTemplate.SIGN_IN_CODE, email).mail.context["code"]
    page.fill("input[name=code]", code)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/signin/code" not in url)
    if "/signin/enrol" not in page.url:
        return []
    world.totp_secrets[login] = page.locator("code.secret").inner_text()
    page.fill("input[name=code]", world.totp_code(login))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_selector("ol.recovery-codes")
    codes: list[str] = page.locator("ol.recovery-codes code").all_inner_texts()
    page.locator("main a.button.primary").click()
    page.wait_for_url(lambda url: "/signin" not in url)
    return codes
