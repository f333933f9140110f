"""The engineer workspace end to end in Chromium against a real ``clico serve`` (SQLite, then
PostgreSQL): an administrator creates a contract, a customer activates it and opens a
technical ticket, an engineer finds it under ``Nieprzypisane``, takes it, answers and sets
``Oczekuje na klienta``; the customer's reply puts it back to ``W realizacji``; the customer
gets 404 on every staff and administrator address."""

from __future__ import annotations

import re

import pytest

from .browser import BrowserPages
from .served import Served
from .served_pages import (
    CUSTOMER,
    CUSTOMER_EMAIL,
    CUSTOMER_PASSWORD,
    Mailbox,
    send,
    sign_in,
    status_of,
    write_reply,
)
from .smtp import SmtpServer

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

ADMIN_EMAIL, ADMIN_PASSWORD = "anna.admin@clico.pl", "Zielony las nad Wartą 2026"
ENGINEER_EMAIL, ENGINEER_PASSWORD = "ewa.inzynier@clico.pl", "Niebieski szlak nad Odrą 77"
TICKET_URL = re.compile(r".*/tickets/CSS-\d{6}$")


def _staff(served: Served, email: str, first: str, role: str) -> str:
    created = served.clico("staff", "create", "--email", email, "--first-name", first,
                           "--last-name", "Testowa", "--role", role)
    return created.stdout.strip().splitlines()[-1]  # the set-password link


def _set_password(page, link: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(link)
    page.fill("input[name=password]", password)
    page.fill("input[name=password_confirm]", password)
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_text("Hasło zostało zmienione.").first).to_be_visible()


def test_a_contract_to_an_answered_ticket_through_the_served_portal(
        served_portal: Served, smtp_server: SmtpServer, browser_page: BrowserPages) -> None:
    served_portal.clico("demo")
    admin_link = _staff(served_portal, ADMIN_EMAIL, "Anna", "admin")
    engineer_link = _staff(served_portal, ENGINEER_EMAIL, "Ewa", "engineer")
    mailbox = Mailbox(smtp_server)

    # the administrator creates a contract; its key is shown once
    admin = browser_page.open(served_portal.base)
    _set_password(admin, admin_link, ADMIN_PASSWORD)
    sign_in(admin, mailbox, ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_EMAIL)
    admin.goto("/admin/contracts")
    admin.fill("#f-number", "UM-E2E-1")
    admin.fill("#f-company", "Demo Sp. z o.o.")
    admin.fill("#f-support_level", "premium")
    admin.fill("#f-valid_until", "2030-12-31")
    admin.fill("#f-asset_name", "FortiGate 200F")
    admin.fill("#f-asset_vendor", "FORTINET")
    admin.fill("#f-asset_serial", "FG200F-E2E1")
    admin.get_by_role("button", name="Utwórz kontrakt").click()
    key = admin.locator("code.activation-key").inner_text()

    # the customer activates it and opens a technical ticket on its asset
    customer = browser_page.open(served_portal.base, javascript=False)
    sign_in(customer, mailbox, CUSTOMER, CUSTOMER_PASSWORD, CUSTOMER_EMAIL)
    customer.goto("/contracts/register")
    customer.fill("#f-contract_number", "UM-E2E-1")
    customer.fill("#f-contract_key", key)
    customer.get_by_role("button", name="Zastosuj").click()
    customer.wait_for_url("**/contracts?activated=1")
    customer.goto("/tickets/new")
    customer.click("#add-asset")
    customer.get_by_role("link", name=re.compile(r"^Wybierz FortiGate 200F")).click()
    customer.fill("#f-subject", "Klaster HA nie przełącza się")
    customer.fill("#f-description", "Po awarii węzła ruch nie przechodzi na drugi.")
    customer.fill("#f-q_occurred_on", "2026-11-20")
    customer.check("input[name=q_production][value=yes]")
    customer.select_option("#f-q_frequency", "once")
    customer.click("#create-ticket")
    customer.wait_for_url(TICKET_URL)
    number = customer.url.rsplit("/", 1)[1]
    expect(status_of(customer)).to_have_text("Nowe")

    # the engineer finds it under Nieprzypisane, takes it, answers, waits for the customer
    engineer = browser_page.open(served_portal.base)
    _set_password(engineer, engineer_link, ENGINEER_PASSWORD)
    sign_in(engineer, mailbox, ENGINEER_EMAIL, ENGINEER_PASSWORD, ENGINEER_EMAIL)
    engineer.goto("/staff/queue")
    expect(engineer.locator(".queue-views a[aria-current=page]")).to_have_text("Nieprzypisane")
    row = engineer.locator("table.queue tbody tr", has=engineer.locator(f"a:text-is('{number}')"))
    row.get_by_role("button", name="Przypisz do mnie").click()
    engineer.locator(".queue-views").get_by_role("link", name="Moje").click()
    engineer.wait_for_url("**/staff/queue?view=mine")
    engineer.locator("table.queue tbody a", has_text=number).click()
    engineer.wait_for_url(f"**/tickets/{number}")
    expect(engineer.locator("#assignee")).to_have_text("Ewa Testowa")
    write_reply(engineer, "Proszę przesłać konfigurację HA.")
    send(engineer)
    expect(status_of(engineer)).to_have_text("W realizacji")
    write_reply(engineer, "Czekam na pliki.")
    engineer.select_option("#f-new_status", label="Oczekuje na klienta")
    send(engineer)
    expect(status_of(engineer)).to_have_text("Oczekuje na klienta")

    # the customer's reply puts it back to work
    customer.goto(f"/tickets/{number}")
    expect(status_of(customer)).to_have_text("Oczekuje na klienta")
    customer.fill("#f-body", "Konfiguracja w załączeniu wkrótce.")
    customer.get_by_role("button", name="Wyślij odpowiedź").click()
    customer.wait_for_url(re.compile(rf".*/tickets/{number}#reply$"))
    expect(status_of(customer)).to_have_text("W realizacji")

    # a customer finds no staff or administrator page, not even their addresses (every
    # route and method is walked by test_web_roles.py; these are the pages a person opens)
    admin.goto("/staff/companies?q=FG200F-E2E1")
    company = admin.locator("main a[href^='/staff/companies/']").first.get_attribute("href")
    assert company
    for path in ("/staff/queue", "/staff/queue?view=mine", "/staff/companies", company,
                 "/staff/templates", "/staff/sla",
                 "/admin/contracts", "/admin/contracts/UM-E2E-1", "/admin/staff",
                 "/admin/levels", "/admin/levels/premium"):
        response = customer.goto(path)
        assert response is not None and response.status == 404, path
