"""Staff sign-in in a real browser (Playwright + Debian's Chromium) over SQLite.

An administrator invites an engineer on ``Personel``; the engineer follows the mailed link,
sets a password, signs in, is taken through enrolling an authenticator app before any other
page and sees the recovery codes once. Screenshots go to ``docs/screenshots/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from attrs import frozen

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import SystemClock
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_core.mail import MailTemplate
from clico_core.services import CreateStaff
from clico_core.values import Role
from clico_web import Settings, create_app

from ..support import PASSWORD, World, sealing_box
from .browser import LiveServer, screenshot

pytestmark = pytest.mark.browser
playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

CODE = re.compile(r"^[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}$")


@frozen
class Portal:
    url: str
    world: World


@pytest.fixture
def portal(tmp_path: Path, live_server: LiveServer, web_hasher: Argon2Hasher
           ) -> Iterator[Portal]:
    """The real app over a migrated SQLite file with one administrator (no app yet)."""
    database = SqlDatabase.from_url(f"sqlite:///{tmp_path / 'portal.db'}", box=sealing_box())
    database.upgrade()
    services = bootstrap(uow=database.uow_factory, hasher=web_hasher)
    world = World(services, SystemClock(), database.mail_queue, today=services.ports.today())
    _, path = services.create_staff_account(
        CreateStaff("anna@clico.pl", "Anna", "Kowalczyk", Role.ADMIN))
    services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    url = live_server.serve(lambda base: create_app(
        Settings(base_url=base, secret_key="browser-staff-secret-0123456789abcdef",
                 start_mail_worker=False), services=services))
    yield Portal(url, world)
    live_server.stop()
    database.dispose()


def sign_in_to_enrolment(page, portal: Portal, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/signin")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/signin/code")
    page.fill("input[name=code]",
              portal.world.last_mail(MailTemplate.SIGN_IN_CODE, email).mail.context["code"])
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/signin/enrol")


def enrol(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Type the app's code for the key on the page; the recovery codes shown."""
    secret = page.locator("code.secret").inner_text()
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("h1")).to_have_text("Kody odzyskiwania")
    return page.locator("ol.recovery-codes code").all_inner_texts()  # type: ignore[no-any-return]


def test_an_invited_engineer_sets_a_password_enrols_the_app_and_sees_recovery_codes(
        portal, browser_page) -> None:  # type: ignore[no-untyped-def]
    admin = browser_page.open(portal.url)
    sign_in_to_enrolment(admin, portal, "anna@clico.pl")
    enrol(admin)
    admin.locator("main a.button.primary").click()
    admin.locator("nav.sidenav a", has_text="Personel").click()
    admin.wait_for_url("**/admin/staff")
    expect(admin.locator("h1")).to_have_text("Personel")
    admin.fill("input[name=email]", "ewa@clico.pl")
    admin.fill("input[name=first_name]", "Ewa")
    admin.fill("input[name=last_name]", "Nowak")
    admin.select_option("select[name=role]", "engineer")
    admin.locator("main form button.primary").click()
    expect(admin.locator(".alert-info")).to_have_text("Zaproszenie zostało wysłane.")
    row = admin.locator("table.staff-list tr", has_text="ewa@clico.pl")
    expect(row).to_contain_text("Inżynier")
    expect(row).to_contain_text("Jeszcze nieskonfigurowana")
    screenshot(admin, "admin-staff")

    engineer = browser_page.open(portal.url)
    link = portal.world.last_mail(MailTemplate.STAFF_INVITATION, "ewa@clico.pl").mail.context[
        "link_path"]
    engineer.goto(link)
    engineer.fill("input[name=password]", "blue whale over quiet mountains")
    engineer.fill("input[name=password_confirm]", "blue whale over quiet mountains")
    engineer.locator("main form button[type=submit]").click()
    engineer.locator("main a.button.primary", has_text="Zaloguj").click()
    engineer.wait_for_url("**/signin")
    engineer.fill("input[name=login]", "ewa@clico.pl")
    engineer.fill("input[name=password]", "blue whale over quiet mountains")
    engineer.locator("main form button[type=submit]").first.click()
    engineer.wait_for_url("**/signin/code")
    engineer.fill("input[name=code]", portal.world.last_mail(
        MailTemplate.SIGN_IN_CODE, "ewa@clico.pl").mail.context["code"])
    engineer.locator("main form button[type=submit]").first.click()
    engineer.wait_for_url("**/signin/enrol")
    expect(engineer.locator("h1")).to_have_text("Skonfiguruj aplikację uwierzytelniającą")
    screenshot(engineer, "staff-enrol")
    engineer.goto("/tickets")  # no other page before the app is enrolled
    engineer.wait_for_url("**/signin")
    engineer.goto("/signin/enrol")
    codes = enrol(engineer)
    assert len(set(codes)) == 10 and all(CODE.match(c) for c in codes)
    screenshot(engineer, "staff-recovery-codes")
    engineer.locator("main a.button.primary").click()
    engineer.wait_for_url("**/staff/queue")  # the staff home
    engineer.goto("/account/two-factor")
    expect(engineer.locator("#recovery-codes")).to_have_text("Kody odzyskiwania")
    expect(engineer.locator("main")).to_contain_text("10 z 10")
    assert browser_page.errors == [] and browser_page.console_errors == []
