"""Several processes on one database (SQLite and PostgreSQL): two ``clico serve`` share
sessions and the sign-in limits; two ``clico worker`` run each scheduled job once."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import httpx

from .process_support import portal_env, post_form, running_worker, wait_for
from .served import run_clico, serving
from .served_pages import CUSTOMER, CUSTOMER_EMAIL, CUSTOMER_PASSWORD, Mailbox, text_of
from .smtp import SmtpServer

JOBS = ("prune", "sweep-blobs", "auto-close", "sla-alerts")
JOB_LINE = re.compile(r"scheduled job (\S+) running")
WRONG = "not the password at all"


def test_sessions_and_sign_in_limits_span_two_portal_processes(
        database_url: str, smtp_server: SmtpServer, tmp_path: Path) -> None:
    env = portal_env(tmp_path, database_url, smtp_server)
    run_clico(env, "demo")
    mailbox = Mailbox(smtp_server)
    with serving(env, tmp_path / "a.log") as first, serving(env, tmp_path / "b.log") as second:
        bases = (first.base, second.base)
        with httpx.Client(timeout=30) as client:  # cookies ignore the port: one browser
            started = post_form(client, bases[0], "/signin",
                                {"login": CUSTOMER, "password": CUSTOMER_PASSWORD})
            assert started.status_code == 303, started.text
            code = re.findall(r"\b\d{6}\b", text_of(mailbox.next(CUSTOMER_EMAIL,
                                                                 "Kod logowania")))[0]
            wrong = f"{(int(code) + 1) % 1_000_000:06d}"
            for i in range(4):  # wrong codes through both processes count together
                refused = post_form(client, bases[i % 2], "/signin/code", {"code": wrong})
                assert refused.status_code == 400
                assert f"Pozostałe próby: {4 - i}" in refused.text, refused.text
            done = post_form(client, bases[1], "/signin/code", {"code": code})
            assert done.status_code == 303 and "/signin" not in done.headers["location"]
            for base in bases:  # the session made by one process works on the other
                tickets = client.get(base + "/tickets")
                assert tickets.status_code == 200, tickets.status_code
        with httpx.Client(timeout=30) as stranger:
            for i in range(10):  # ten wrong passwords, half through each process
                refused = post_form(stranger, bases[i % 2], "/signin",
                                    {"login": CUSTOMER, "password": WRONG})
                assert refused.status_code == 400, (i, refused.status_code)
            for base in bases:  # both refuse now, the right password too
                locked = post_form(stranger, base, "/signin",
                                   {"login": CUSTOMER, "password": CUSTOMER_PASSWORD})
                assert locked.status_code == 429, locked.status_code


def test_two_workers_run_each_scheduled_job_once(database_url: str, smtp_server: SmtpServer,
                                                 tmp_path: Path) -> None:
    env = portal_env(tmp_path, database_url, smtp_server)
    logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]

    def ran() -> Counter[str]:
        return Counter(name for log in logs if log.exists()
                       for name in JOB_LINE.findall(log.read_text()))

    with running_worker(env, logs[0]), running_worker(env, logs[1]):
        wait_for(lambda: all("mail worker running" in log.read_text() for log in logs),
                 "two running workers")
        wait_for(lambda: set(ran()) == set(JOBS), "every job run")
        time.sleep(8)  # several poll rounds of both workers: nothing runs a second time
    assert ran() == Counter(dict.fromkeys(JOBS, 1)), [log.read_text() for log in logs]


def test_serve_with_two_workers_and_a_separate_mail_worker(
        database_url: str, smtp_server: SmtpServer, tmp_path: Path) -> None:
    """``clico serve --workers 2 --no-mail-worker`` plus ``clico worker``: every request on a
    new connection (either server process may take it) sees one session and one throttle."""
    env = portal_env(tmp_path, database_url, smtp_server)
    run_clico(env, "demo")
    mailbox = Mailbox(smtp_server)
    fresh = {"Connection": "close"}  # a new connection each time: the kernel picks a process
    with serving(env, tmp_path / "server.log", "--workers", "2", "--no-mail-worker") as served, \
            running_worker(env, tmp_path / "worker.log"), \
            httpx.Client(timeout=30, headers=fresh) as client:
        assert post_form(client, served.base, "/signin", {
            "login": CUSTOMER, "password": CUSTOMER_PASSWORD}).status_code == 303
        code = re.findall(r"\b\d{6}\b", text_of(mailbox.next(CUSTOMER_EMAIL,
                                                             "Kod logowania")))[0]
        assert post_form(client, served.base, "/signin/code", {"code": code}).status_code == 303
        for _ in range(10):
            assert client.get(served.base + "/tickets").status_code == 200
        with httpx.Client(timeout=30, headers=fresh) as stranger:
            for i in range(10):
                refused = post_form(stranger, served.base, "/signin",
                                    {"login": CUSTOMER, "password": WRONG})
                assert refused.status_code == 400, (i, refused.status_code)
            for _ in range(4):
                locked = post_form(stranger, served.base, "/signin",
                                   {"login": CUSTOMER, "password": CUSTOMER_PASSWORD})
                assert locked.status_code == 429, locked.status_code
