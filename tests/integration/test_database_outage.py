"""PostgreSQL stopped for 20 s under a bounded load of reads and writes (a private server:
the shared one is never stopped): every request gets a 503 page with ``Retry-After``,
never a 500 or a traceback; nothing is half-written; the portal recovers without a restart
(the first request made after the restart is answered) and the separate worker delivers
the outbox afterwards, each mail once.

Requests are judged by when they were sent and when they were answered, never by the answer
alone: on a busy machine a request sent before the stop may be answered well after it."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from .private_postgres import private_postgres
from .process_support import portal_env, post_form, running_worker, wait_for
from .served import run_clico, serving
from .served_pages import CUSTOMER, CUSTOMER_EMAIL, CUSTOMER_PASSWORD, Mailbox, text_of
from .smtp import SmtpServer

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
OUTAGE_SECONDS = 20
RECOVERED_WITHIN = 30.0  # a bound on a loaded 2-core machine; the first request after works
UNAVAILABLE = "Portal jest chwilowo niedostępny"
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
TICKET = {"subject": "Tunel VPN zrywa się", "description": "Co godzinę.", "format": "text",
          "priority": "high", "relation_type": "incident"}


class Load:
    """Reads (the ticket list) and writes (new tickets) in a loop; every answer kept."""

    def __init__(self, client: httpx.Client, base: str) -> None:
        self.client, self.base = client, base
        # (sent, answered, what, response): monotonic times
        self.answers: list[tuple[float, float, str, httpx.Response]] = []
        self.created: list[str] = []
        self.stop = threading.Event()

    def _keep(self, what: str, sent: float, response: httpx.Response) -> httpx.Response:
        self.answers.append((sent, time.monotonic(), what, response))
        return response

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self._keep("list", time.monotonic(), self.client.get(self.base + "/tickets"))
                form = self._keep("form", time.monotonic(),
                                  self.client.get(self.base + "/tickets/new"))
                key = KEY.search(form.text)
                if form.status_code == 200 and key:
                    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form.text)
                    assert token
                    time.sleep(0.2)  # a form posted a moment later: maybe into the outage
                    made = self._keep("create", time.monotonic(), self.client.post(
                        self.base + "/tickets/new",
                        data={**TICKET, "idempotency_key": key.group(1),
                              "csrf_token": token.group(1)}))
                    if made.status_code == 303:
                        self.created.append(made.headers["location"].rsplit("/", 1)[1])
            except httpx.TransportError as error:  # the portal must keep answering
                now = time.monotonic()
                self.answers.append((now, now, "transport", error))  # type: ignore[arg-type]
            time.sleep(0.1)


def test_a_postgresql_outage_under_load(smtp_server: SmtpServer, tmp_path: Path) -> None:
    with private_postgres() as server:
        url = server.create_database("clico")
        env = portal_env(tmp_path, url, smtp_server)
        run_clico(env, "db", "upgrade")
        run_clico(env, "demo")
        mailbox = Mailbox(smtp_server)
        with serving(env, tmp_path / "server.log", "--no-mail-worker") as served, \
                running_worker(env, tmp_path / "worker.log"), \
                httpx.Client(timeout=30) as client:
            assert post_form(client, served.base, "/signin", {
                "login": CUSTOMER, "password": CUSTOMER_PASSWORD}).status_code == 303
            code = re.findall(r"\b\d{6}\b", text_of(mailbox.next(CUSTOMER_EMAIL,
                                                                 "Kod logowania")))[0]
            assert post_form(client, served.base, "/signin/code",
                             {"code": code}).status_code == 303
            load = Load(client, served.base)
            thread = threading.Thread(target=load.run)
            thread.start()
            try:
                wait_for(lambda: bool(load.created), "a ticket created before the outage", 60)
                server.stop("fast")
                down_at = time.monotonic()
                time.sleep(OUTAGE_SECONDS)
                starting_at = time.monotonic()  # it may answer before pg_ctl says it does
                server.start()
                up_at = time.monotonic()
                wait_for(lambda: any(sent > up_at and r.status_code == 303
                                     for sent, _, what, r in load.answers if what == "create"),
                         "a ticket created after the restart", RECOVERED_WITHIN)
                time.sleep(2)
            finally:
                load.stop.set()
                thread.join(60)

            transport = [a for a in load.answers if a[1] == "transport"]
            assert not transport, transport
            statuses = Counter(r.status_code for _, _, _, r in load.answers)
            assert set(statuses) <= {200, 303, 503}, statuses
            # sent once the server had stopped, answered before it was started again
            during = [r for sent, answered, _, r in load.answers
                      if down_at < sent and answered < starting_at]
            assert during and all(r.status_code == 503 for r in during), statuses
            # sent once it was back: answered, the first one already (no restart, no 503)
            after = [(sent, r) for sent, _, _, r in load.answers if sent > up_at]
            assert after and all(r.status_code in (200, 303) for _, r in after), [
                (round(sent - up_at, 2), r.status_code) for sent, r in after]
            for _, _, _, response in load.answers:
                assert "Traceback" not in response.text
                if response.status_code == 503:
                    assert response.headers["Retry-After"].isdigit()
                    assert UNAVAILABLE in response.text, response.text
            first_after = min(answered for _, answered, _, r in load.answers
                              if answered > up_at and r.status_code != 503)
            assert first_after - up_at < RECOVERED_WITHIN
            assert any(answered < down_at for _, answered, _, r in load.answers
                       if r.status_code == 303)

            # nothing half-written: every ticket has its number and its mail, delivered by
            # the worker after the outage
            engine = create_engine(url)
            with engine.connect() as connection:
                numbers = [row[0] for row in connection.execute(
                    text("SELECT number FROM tickets"))]
            engine.dispose()
            made = set(numbers)
            assert len(made) == len(numbers) and all(re.fullmatch(r"CSS-\d{6}", n)
                                                     for n in numbers), numbers
            assert set(load.created) <= made and load.created
            for number in sorted(made):
                mailbox.next(CUSTOMER_EMAIL, f"[{number}]")
        server.stop("fast")
