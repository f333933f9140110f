"""The scenario of a database that cannot take writes just now (a full disk, read-only
files, a read-only PostgreSQL): a real ``clico serve`` with the demo data, the customer
signed in with one ticket; then writes must get the 503 page while reads keep working."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from attrs import frozen

from .process_support import new_ticket, portal_env, sign_in_customer
from .served import Served, run_clico, serving
from .served_pages import Mailbox
from .smtp import SmtpServer

CANNOT_WRITE = "Portal nie może teraz zapisywać zmian"
NUMBER = re.compile(r"CSS-\d{6}")


@frozen
class Portal:
    served: Served
    client: httpx.Client
    number: str  # the customer's ticket
    listed: frozenset[str]  # the numbers the list showed before writes were refused

    @property
    def base(self) -> str:
        return self.served.base


@contextmanager
def customer_portal(database_url: str, smtp: SmtpServer, tmp_path: Path) -> Iterator[Portal]:
    env = portal_env(tmp_path, database_url, smtp)
    run_clico(env, "db", "upgrade")
    run_clico(env, "demo")
    with serving(env, tmp_path / "server.log") as served, httpx.Client(timeout=30) as client:
        sign_in_customer(client, served.base, Mailbox(smtp))
        made = new_ticket(client, served.base)
        assert made.status_code == 303, made.text
        listed = frozenset(NUMBER.findall(client.get(served.base + "/tickets").text))
        yield Portal(served, client, made.headers["location"].rsplit("/", 1)[1], listed)
    assert "Traceback" not in (tmp_path / "server.log").read_text()


def assert_writes_refused_reads_kept(portal: Portal) -> None:
    """A new ticket gets the 503 page with ``Retry-After``; the list and the ticket page
    render; nothing was half-written."""
    client, base = portal.client, portal.base
    refused = new_ticket(client, base)
    assert refused.status_code == 503, (refused.status_code, refused.text[-2000:])
    assert CANNOT_WRITE in refused.text and "Traceback" not in refused.text
    assert refused.headers["Retry-After"].isdigit()
    for path in ("/tickets", f"/tickets/{portal.number}"):
        page = client.get(base + path)
        assert page.status_code == 200, (path, page.status_code)
        assert portal.number in page.text
    assert frozenset(NUMBER.findall(client.get(base + "/tickets").text)) == portal.listed


def assert_writes_again(portal: Portal) -> None:
    again = new_ticket(portal.client, portal.base)  # no restart needed
    assert again.status_code == 303, again.status_code
