"""The restore drill: back up a SQLite portal while `clico serve` and another process
write to it, restore the copy into a fresh data directory, serve that, sign in and open
every ticket the copy holds. And the refusals: PostgreSQL (pg_dump advice), a file that is
no backup, a target that already holds a database."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from clico_adapters.compose import build
from clico_adapters.passwords import Argon2Hasher
from clico_core.services import OpenTicket
from clico_web import Settings
from clico_web.cli import main

from ..support import PASSWORD, World
from .served import SECRET_KEY, clico_env, run_clico, serving, smtp_url
from .smtp import SmtpServer

SEEDED = 15
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def _post(client: httpx.Client, path: str, data: dict[str, str]) -> httpx.Response:
    token = _CSRF.search(client.get(path).text)
    assert token, path
    return client.post(path, data={**data, "csrf_token": token.group(1)})


def _next_code_mail(smtp: SmtpServer, *, after: int) -> EmailMessage:
    """The first sign-in code mail received after the first ``after`` mails."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for received in smtp.received[after:]:
            if "Kod logowania" in str(received.message["Subject"]):
                return received.message
        time.sleep(0.1)
    raise AssertionError("no sign-in code mail")


def _numbers(database: Path) -> list[str]:
    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # nothing half-written: every ticket has its opening article
        orphans = connection.execute(
            "SELECT count(*) FROM tickets t WHERE NOT EXISTS "
            "(SELECT 1 FROM articles a WHERE a.ticket_id = t.id)").fetchone()[0]
        assert orphans == 0
        return [row[0] for row in connection.execute("SELECT number FROM tickets")]
    finally:
        connection.close()


@pytest.mark.slow
def test_a_backup_taken_under_writes_restores_into_a_portal_that_serves_it(
        tmp_path: Path, smtp_server: SmtpServer) -> None:
    env = clico_env(tmp_path / "live", CLICO_SECRET_KEY=SECRET_KEY, CLICO_MODE="development",
                    CLICO_MAIL_URL=smtp_url(smtp_server))
    run_clico(env, "db", "upgrade")
    with build(Settings.from_env(env), hasher=Argon2Hasher.minimum()) as backend:
        world = World(backend.services, backend.clock, backend.mail_queue, today=date.today())
        world.register("jan", contract=world.issue("C-1", "Acme"))
        jan = world.viewer("jan")
        for i in range(SEEDED):
            backend.services.open_ticket(jan, OpenTicket(f"Seeded {i}", "<p>seeded</p>"))
        with serving(env, tmp_path / "live.log") as served:
            stop, written = threading.Event(), {"tickets": 0, "requests": 0}

            def open_tickets() -> None:  # another process's writes, as the CLI's would be
                while not stop.is_set():
                    backend.services.open_ticket(jan, OpenTicket("Load", "<p>load</p>"))
                    written["tickets"] += 1

            def ask_for_resets() -> None:  # the served portal writes tokens and mails
                with httpx.Client(base_url=served.base, timeout=60) as client:
                    while not stop.is_set():
                        _post(client, "/password/forgot", {"login_or_email": "jan"})
                        written["requests"] += 1

            writers = [threading.Thread(target=open_tickets),
                       threading.Thread(target=ask_for_resets)]
            for writer in writers:
                writer.start()
            try:
                while written["tickets"] < 5 or written["requests"] < 3:
                    stop.wait(0.1)
                run_clico(env, "db", "backup", str(tmp_path / "backup.db"))
                before_stop = dict(written)
            finally:
                stop.set()
                for writer in writers:
                    writer.join(30)
    assert before_stop["tickets"] >= 5 and before_stop["requests"] >= 3
    numbers = _numbers(tmp_path / "backup.db")
    assert len(numbers) >= SEEDED + 5

    fresh = clico_env(tmp_path / "restored", CLICO_SECRET_KEY=SECRET_KEY,
                      CLICO_MODE="development", CLICO_MAIL_URL=smtp_url(smtp_server))
    run_clico(fresh, "db", "restore", str(tmp_path / "backup.db"))
    assert (tmp_path / "restored" / "clico.db").stat().st_mode & 0o077 == 0
    codes_before = len(smtp_server.received)
    with serving(fresh, tmp_path / "restored.log") as restored, \
            httpx.Client(base_url=restored.base, timeout=60) as client:
        step = _post(client, "/signin", {"login": "jan", "password": PASSWORD})
        assert step.status_code == 303 and step.headers["location"] == "/signin/code"
        mail = _next_code_mail(smtp_server, after=codes_before)
        body = mail.get_body(("plain",))
        assert body is not None
        code = re.findall(r"\b\d{6}\b", str(body.get_content()))[0]
        signed_in = _post(client, "/signin/code", {"code": code})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
        for number in numbers:
            page = client.get(f"/tickets/{number}")
            assert page.status_code == 200 and number in page.text, number


def _db(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["db", *args], env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_postgresql_backups_are_refused_with_the_pg_dump_invocation(
        postgres_url: str, tmp_path: Path) -> None:
    url = postgres_url.replace("postgres@", "postgres:s3cret-pass@", 1)
    env = {"CLICO_DATABASE_URL": url, "CLICO_DATA_DIR": str(tmp_path / "var")}
    code, output = _db(env, "backup", str(tmp_path / "dump"))
    assert code == 1 and "pg_dump --format=custom" in output and "pg_restore" in output
    assert "s3cret-pass" not in output and "postgresql+psycopg" not in output
    assert not (tmp_path / "dump").exists()
    code, output = _db(env, "restore", str(tmp_path / "dump"))
    assert code == 1 and "pg_restore" in output


def test_restore_refuses_a_file_that_is_no_backup_and_a_database_in_place(
        tmp_path: Path) -> None:
    live = {"CLICO_DATA_DIR": str(tmp_path / "live"), "CLICO_SECRET_KEY": SECRET_KEY}
    assert _db(live, "upgrade")[0] == 0
    assert _db(live, "backup", str(tmp_path / "copy.db"))[0] == 0
    code, output = _db(live, "backup", str(tmp_path / "copy.db"))
    assert code == 1 and "exists: choose a new file name" in output
    code, output = _db(live, "restore", str(tmp_path / "copy.db"))
    assert code == 1 and "already holds a database" in output
    assert _db(live, "restore", "--replace", str(tmp_path / "copy.db"))[0] == 0

    (tmp_path / "notes.txt").write_text("not a database " * 100)
    fresh = {"CLICO_DATA_DIR": str(tmp_path / "fresh"), "CLICO_SECRET_KEY": SECRET_KEY}
    code, output = _db(fresh, "restore", str(tmp_path / "notes.txt"))
    assert code == 1 and "is not a CLICO database backup" in output
    code, output = _db(fresh, "restore", str(tmp_path / "missing.db"))
    assert code == 1 and "there is no backup at" in output
