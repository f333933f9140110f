"""The pages a person goes through on a served portal (``served.py``), shared by the
end-to-end browser tests: the mails aiosmtpd received, handed out once each; signing in
(a staff member enrols the authenticator app on the way); writing and sending a reply."""

from __future__ import annotations

import re
import time
from email.message import EmailMessage
from typing import Any

import pyotp
import pytest

from .smtp import SmtpServer

expect = pytest.importorskip("playwright.sync_api").expect

# the demo customer ``clico demo`` creates
CUSTOMER, CUSTOMER_EMAIL, CUSTOMER_PASSWORD = "demo", "demo@example.com", "Zielona herbata 2026"
SENT_WITHIN = 30.0


class Mailbox:
    """The mails aiosmtpd received, handed out once each as the test asks for them."""

    def __init__(self, smtp: SmtpServer) -> None:
        self.smtp = smtp
        self.taken: set[int] = set()

    def next(self, address: str, subject_part: str) -> EmailMessage:
        def fresh() -> list[int]:
            return [i for i, r in enumerate(self.smtp.received)
                    if i not in self.taken and address in r.rcpt_tos
                    and subject_part in str(r.message["Subject"])]

        expect_poll(lambda: bool(fresh()), f"a {subject_part!r} mail to {address}")
        index = fresh()[0]
        self.taken.add(index)
        return self.smtp.received[index].message


def expect_poll(condition: Any, what: str, timeout: float = SENT_WITHIN) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {timeout}s")
        time.sleep(0.1)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def sign_in(page: Any, mailbox: Mailbox, login: str, password: str, email: str) -> None:
    page.goto("/signin")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/signin/code")
    code = re.findall(r"\b\d{6}\b", text_of(mailbox.next(email, "Kod logowania")))[0]
    page.fill("input[name=code]", code)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/signin/code" not in url)
    if "/signin/enrol" in page.url:  # staff enrol an authenticator app on the first sign-in
        secret = page.locator("code.secret").inner_text()
        page.fill("input[name=code]", pyotp.TOTP(secret).now())
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_selector("ol.recovery-codes")
        page.locator("main a.button.primary").click()
    page.wait_for_url(lambda url: "/signin" not in url)


def write_reply(page: Any, text: str, files: tuple[tuple[str, bytes], ...] = ()) -> None:
    page.locator("#reply-form .ql-editor").click()
    page.keyboard.type(text)
    if files:
        page.set_input_files("#f-attachments", files=[
            {"name": name, "mimeType": "application/octet-stream", "buffer": data}
            for name, data in files])


def send(page: Any) -> None:
    page.get_by_role("button", name="Wyślij odpowiedź").click()
    page.wait_for_url(re.compile(r".*/tickets/CSS-\d+#reply$"))


def status_of(page: Any) -> Any:
    return page.locator("dl.details span.status")
