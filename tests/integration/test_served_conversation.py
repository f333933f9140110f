"""A ticket's conversation end to end: the installed ``clico serve`` (a subprocess) over SQLite
and PostgreSQL, Chromium for a customer and an engineer, mail over SMTP to aiosmtpd.

The demo customer (``clico demo``) opens a ticket; an engineer (``clico staff create --role
engineer``, password set from the printed link, code from the mail) replies with a file, adds
an internal note that sets a status; the customer downloads the file (same bytes), never sees
the note, and replies with a file of their own. The status follows the machine; the mails of
the ticket arrive threaded under the first one and none holds the note. Screenshots go to
``docs/screenshots/`` (``docs/user-guide.md``, "The conversation").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .browser import BrowserPages, screenshot
from .served import SUPPORT_INBOX, Served
from .served_pages import (
    CUSTOMER,
    CUSTOMER_EMAIL,
    CUSTOMER_PASSWORD,
    Mailbox,
    send,
    sign_in,
    status_of,
    text_of,
    write_reply,
)
from .smtp import Received, SmtpServer

pytestmark = pytest.mark.browser
playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

ENGINEER_EMAIL, ENGINEER_PASSWORD = "ewa.inzynier@clico.pl", "Niebieski szlak nad Odrą 77"
NOTE = "Notatka: router operatora gubi pakiety ESP, klient nie musi tego wiedzieć"
ENGINEER_FILE = ("diagnoza.txt", b"Diagnoza tunelu\n" + bytes(range(256)) * 8)
CUSTOMER_FILE = ("vpn.log", b"2026-12-03 08:00 IKE SA expired\n" * 200)


def download(page: Any, name: str) -> bytes:
    with page.expect_download() as started:
        page.locator("#conversation a[download]", has_text=name).click()
    return Path(started.value.path()).read_bytes()


def raw_header(received: Received, name: str) -> list[bytes]:
    """The header's values in the bytes that arrived (unfolded lines only)."""
    head = received.raw.split(b"\r\n\r\n", 1)[0]
    prefix = name.lower().encode() + b":"
    return [line.split(b":", 1)[1].strip() for line in head.split(b"\r\n")
            if line.lower().startswith(prefix)]


def test_a_conversation_through_the_served_portal(served_portal: Served,
                                                  smtp_server: SmtpServer,
                                                  browser_page: BrowserPages) -> None:
    assert "demo / Zielona herbata 2026" in served_portal.clico("demo").stdout
    created = served_portal.clico("staff", "create", "--email", ENGINEER_EMAIL,
                                  "--first-name", "Ewa", "--last-name", "Inżynier",
                                  "--role", "engineer")
    invitation = created.stdout.strip().splitlines()[-1]
    assert invitation.startswith(served_portal.base + "/password/reset/")
    mailbox = Mailbox(smtp_server)

    # the customer opens a ticket: Nowe, and a confirmation mail (the thread's root)
    customer = browser_page.open(served_portal.base)
    sign_in(customer, mailbox, CUSTOMER, CUSTOMER_PASSWORD, CUSTOMER_EMAIL)
    customer.goto("/tickets/new")
    customer.fill("#f-subject", "Tunel IPsec zrywa się po zmianie kluczy")
    customer.select_option("#f-relation_type", "incident")
    customer.locator(".ql-editor").click()
    customer.keyboard.type("Od rana tunel do oddziału zrywa się co godzinę.")
    customer.click("#create-ticket")
    customer.wait_for_url(re.compile(r".*/tickets/CSS-\d{6}$"))
    number = customer.url.rsplit("/", 1)[1]
    expect(status_of(customer)).to_have_text("Nowe")
    tag = f"[{number}]"
    mailbox.next(CUSTOMER_EMAIL, tag)

    # the engineer: password from the printed link, sign-in code by mail
    engineer = browser_page.open(served_portal.base)
    engineer.goto(invitation)
    engineer.fill("input[name=password]", ENGINEER_PASSWORD)
    engineer.fill("input[name=password_confirm]", ENGINEER_PASSWORD)
    engineer.locator("main form button[type=submit]").first.click()
    expect(engineer.get_by_text("Hasło zostało zmienione.").first).to_be_visible()
    sign_in(engineer, mailbox, ENGINEER_EMAIL, ENGINEER_PASSWORD, ENGINEER_EMAIL)
    engineer.goto(f"/tickets/{number}")
    write_reply(engineer, "Proszę sprawdzić ustawienia z załącznika.", (ENGINEER_FILE,))
    send(engineer)
    expect(status_of(engineer)).to_have_text("W realizacji")  # staff's first public reply
    reply_mail = mailbox.next(CUSTOMER_EMAIL, tag)
    assert "Ewa Inżynier" in text_of(reply_mail)

    write_reply(engineer, NOTE)
    engineer.get_by_label("Notatka wewnętrzna").check()
    engineer.select_option("#f-new_status", label="Oczekuje na klienta")
    screenshot(engineer, "conversation-engineer-note")
    send(engineer)
    expect(status_of(engineer)).to_have_text("Oczekuje na klienta")
    note = engineer.locator("#conversation article.internal-note")
    expect(note).to_contain_text(NOTE)
    expect(note).to_contain_text("Notatka wewnętrzna, widoczna tylko dla CLICO")
    mailbox.next(CUSTOMER_EMAIL, tag)  # the status change, told without the note

    # the customer: the reply and its file, never the note; a reply with a file
    customer.goto(f"/tickets/{number}")
    expect(status_of(customer)).to_have_text("Oczekuje na klienta")
    thread = customer.locator("#conversation")
    expect(thread).to_contain_text("Proszę sprawdzić ustawienia z załącznika.")
    expect(thread).to_contain_text("Inżynier CLICO")
    expect(thread).not_to_contain_text(NOTE)
    assert customer.locator("article.internal-note").count() == 0
    assert NOTE not in customer.content() and "Notatka wewnętrzna" not in customer.content()
    assert download(customer, ENGINEER_FILE[0]) == ENGINEER_FILE[1]
    write_reply(customer, "Dziękuję, w załączniku log z dzisiejszego ranka.", (CUSTOMER_FILE,))
    screenshot(customer, "conversation-customer")
    send(customer)
    expect(status_of(customer)).to_have_text("W realizacji")  # back from waiting
    expect(thread.locator("a[download]", has_text=CUSTOMER_FILE[0])).to_be_visible()
    mailbox.next(SUPPORT_INBOX, tag)  # nobody is assigned: the support inbox hears of it

    engineer.goto(f"/tickets/{number}")
    expect(status_of(engineer)).to_have_text("W realizacji")
    assert download(engineer, CUSTOMER_FILE[0]) == CUSTOMER_FILE[1]
    screenshot(engineer, "conversation-engineer")

    # the ticket's mails: threaded under the first, none with the note
    ticket_mails = [r for r in smtp_server.received if tag.encode() in r.raw]
    assert len(ticket_mails) == 4, [str(r.message["Subject"]) for r in ticket_mails]
    root = raw_header(ticket_mails[0], "Message-ID")
    assert len(root) == 1 and re.fullmatch(rb"<[^<>@\s]+@[^<>@\s]+>", root[0])
    assert raw_header(ticket_mails[0], "In-Reply-To") == []
    assert raw_header(ticket_mails[0], "References") == []
    for later in ticket_mails[1:]:
        assert raw_header(later, "In-Reply-To") == root
        assert raw_header(later, "References") == root
        assert raw_header(later, "Message-ID") != root
    for received in ticket_mails:
        assert tag in str(received.message["Subject"])
    for received in smtp_server.received:  # every mail, decoded: the note stays in the portal
        texts = [str(part.get_content()) for part in received.message.walk()
                 if part.get_content_maintype() == "text"]
        assert texts and not any("router operatora" in text for text in texts)
