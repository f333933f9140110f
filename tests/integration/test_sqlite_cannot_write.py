"""SQLite when the disk is full (the file-size limit of the ``clico serve`` process cut to one
byte: every write() past the start of a file fails, as on a full disk): writes get a clear
503 page, reads keep working, and writes work again once there is room, without a restart."""

from __future__ import annotations

import re
import resource
from pathlib import Path

import httpx

from .process_support import new_ticket, portal_env, post_form
from .served import run_clico, serving
from .served_pages import CUSTOMER, CUSTOMER_EMAIL, CUSTOMER_PASSWORD, Mailbox, text_of
from .smtp import SmtpServer

CANNOT_WRITE = "Portal nie może teraz zapisywać zmian"


def test_a_full_disk_refuses_writes_and_keeps_reads(smtp_server: SmtpServer,
                                                    tmp_path: Path) -> None:
    env = portal_env(tmp_path, f"sqlite:///{tmp_path / 'data' / 'clico.db'}", smtp_server)
    run_clico(env, "db", "upgrade")
    run_clico(env, "demo")
    mailbox = Mailbox(smtp_server)
    with serving(env, tmp_path / "server.log") as served, httpx.Client(timeout=30) as client:
        base = served.base
        assert post_form(client, base, "/signin", {
            "login": CUSTOMER, "password": CUSTOMER_PASSWORD}).status_code == 303
        code = re.findall(r"\b\d{6}\b", text_of(mailbox.next(CUSTOMER_EMAIL,
                                                             "Kod logowania")))[0]
        assert post_form(client, base, "/signin/code", {"code": code}).status_code == 303
        made = new_ticket(client, base)
        assert made.status_code == 303, made.text
        number = made.headers["location"].rsplit("/", 1)[1]

        before = set(re.findall(r"CSS-\d{6}", client.get(base + "/tickets").text))
        limits = resource.prlimit(served.process.pid, resource.RLIMIT_FSIZE)
        resource.prlimit(served.process.pid, resource.RLIMIT_FSIZE, (1, limits[1]))
        try:
            refused = new_ticket(client, base)
            assert refused.status_code == 503, refused.status_code
            assert CANNOT_WRITE in refused.text and "Traceback" not in refused.text
            assert refused.headers["Retry-After"].isdigit()
            for path in ("/tickets", f"/tickets/{number}"):  # reads keep working
                page = client.get(base + path)
                assert page.status_code == 200, (path, page.status_code)
                assert number in page.text
            listed = client.get(base + "/tickets").text
            assert set(re.findall(r"CSS-\d{6}", listed)) == before  # nothing half-written
        finally:
            resource.prlimit(served.process.pid, resource.RLIMIT_FSIZE, limits)
        again = new_ticket(client, base)  # room again: no restart needed
        assert again.status_code == 303, again.status_code
