"""Several real ``clico`` processes over one database: portals, workers, a form poster.

    env = portal_env(tmp_path, database_url, smtp_server)
    with serving(env, tmp_path / "a.log") as first, serving(env, tmp_path / "b.log") as second:
        post_form(client, first.base, "/signin", {"login": "demo", "password": "…"})
    with running_worker(env, tmp_path / "worker.log") as worker:
        ...
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from .served import SECRET_KEY, SUPPORT_INBOX, clico_command, clico_env, smtp_url
from .served_pages import CUSTOMER, CUSTOMER_EMAIL, CUSTOMER_PASSWORD, Mailbox, text_of
from .smtp import SmtpServer

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
IDEMPOTENCY_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
TICKET = {"subject": "Tunel VPN zrywa się", "description": "Co godzinę.", "format": "text",
          "priority": "high", "relation_type": "incident"}


def portal_env(tmp_path: Path, database_url: str, smtp: SmtpServer, **more: str
               ) -> dict[str, str]:
    """The settings every process of one installation shares (one database, one SMTP)."""
    return clico_env(tmp_path / "var", CLICO_DATABASE_URL=database_url,
                     CLICO_MAIL_URL=smtp_url(smtp), CLICO_SECRET_KEY=SECRET_KEY,
                     CLICO_MODE="development", CLICO_BASE_URL="http://127.0.0.1:8000",
                     CLICO_SUPPORT_INBOX=SUPPORT_INBOX, **more)


def post_form(client: httpx.Client, base: str, path: str, data: dict[str, str],
              form_page: str | None = None) -> httpx.Response:
    """GET the form (for its CSRF token), then POST it, both to ``base``."""
    page = client.get(base + (form_page or path))
    found = CSRF.search(page.text)
    assert found, f"no CSRF token on {form_page or path}: {page.status_code}"
    return client.post(base + path, data={**data, "csrf_token": found.group(1)})


def sign_in_customer(client: httpx.Client, base: str, mailbox: Mailbox) -> None:
    """The demo customer signs in: password, then the code mailed to them."""
    assert post_form(client, base, "/signin", {
        "login": CUSTOMER, "password": CUSTOMER_PASSWORD}).status_code == 303
    code = re.findall(r"\b\d{6}\b", text_of(mailbox.next(CUSTOMER_EMAIL, "Kod logowania")))[0]
    assert post_form(client, base, "/signin/code", {"code": code}).status_code == 303


def new_ticket(client: httpx.Client, base: str) -> httpx.Response:
    """Open ``TICKET`` through the form, as a signed-in customer's browser would."""
    form = client.get(base + "/tickets/new")
    key = IDEMPOTENCY_KEY.search(form.text)
    assert key, form.status_code
    return post_form(client, base, "/tickets/new", {**TICKET, "idempotency_key": key.group(1)},
                     form_page="/tickets/new")


@contextmanager
def running_worker(env: dict[str, str], log: Path, *args: str) -> Iterator[subprocess.Popen[str]]:
    """``clico worker *args`` until the block ends (SIGTERM, then SIGKILL after 20 s)."""
    with log.open("w") as output:
        process = subprocess.Popen([clico_command(), "worker", *args], env=env,
                                   stdout=output, stderr=subprocess.STDOUT, text=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {timeout}s")
        time.sleep(0.1)
