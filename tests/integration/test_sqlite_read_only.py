"""SQLite on a data directory that cannot be written (the database, its -wal and -shm, the
blob directory): a ``clico serve`` started on it renders signed-in pages, refuses writes with
the clear 503 page, loses nothing, and writes again without a restart once the directory is
writable.

The server runs as root without ``CAP_DAC_OVERRIDE`` (``setpriv``) when the tests run as
root, as CI does: root ignores permission bits, and a read-only bind mount cannot be made
while SQLite holds its files open for writing (EBUSY). Two ways to get there, as SQLite sees
them differently in WAL mode:

- ``after_a_clean_stop``: the portal stopped, which removed the -wal and -shm, then the
  directory was made read-only: SQLite cannot read a WAL database without a -shm it can
  create (SQLITE_READONLY_DIRECTORY), so the portal opens it ``immutable``;
- ``while_serving``: the modes were taken away under a running portal (whose open files
  keep writing), then it restarted: the -wal and -shm it could not remove stay, and SQLite
  opens the database read-only through them.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, update

from clico_adapters.sql.tables import sessions

from .process_support import CSRF, new_ticket, portal_env, post_form
from .served import run_clico, serving
from .served_pages import CUSTOMER, CUSTOMER_EMAIL, CUSTOMER_PASSWORD, Mailbox, text_of
from .smtp import SmtpServer

CANNOT_WRITE = "Portal nie może teraz zapisywać zmian"
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
NUMBERS = re.compile(r"CSS-\d{6}")
LOG = b"12:00:01 tunnel down\n12:00:09 tunnel up\n"


def without_file_override() -> list[str]:
    """Run a command so that permission bits bind it: as root, without the capabilities
    that bypass them (the same uid, so it still reads the virtualenv under /root)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) runs the server without CAP_DAC_OVERRIDE"
    dropped = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={dropped}", f"--bounding-set={dropped}"]


def make_read_only(data: Path) -> dict[Path, int]:
    """Take every write bit off the data directory and everything in it; the old modes."""
    modes = {path: stat.S_IMODE(path.stat().st_mode) for path in [data, *data.rglob("*")]}
    for path, mode in modes.items():
        path.chmod(mode & ~0o222)
    return modes


def restore(modes: dict[Path, int]) -> None:
    for path, mode in modes.items():
        if path.exists():
            path.chmod(mode)


def sign_in(client: httpx.Client, base: str, mailbox: Mailbox) -> None:
    assert post_form(client, base, "/signin", {
        "login": CUSTOMER, "password": CUSTOMER_PASSWORD}).status_code == 303
    code = re.findall(r"\b\d{6}\b", text_of(mailbox.next(CUSTOMER_EMAIL, "Kod logowania")))[0]
    assert post_form(client, base, "/signin/code", {"code": code}).status_code == 303


def reply(client: httpx.Client, base: str, number: str, body: str,
          attachment: bytes | None = None) -> httpx.Response:
    """The reply form posted as a browser does, with a file when ``attachment`` is given."""
    page = client.get(f"{base}/tickets/{number}")
    key, version = KEY.search(page.text), VERSION.search(page.text)
    csrf = CSRF.search(page.text)
    assert key and version and csrf, page.status_code
    form = {"csrf_token": csrf.group(1),  # an upload's token is its first field
            "body": body, "format": "text", "idempotency_key": key.group(1),
            "version": version.group(1)}
    files = [] if attachment is None else [
        ("attachments", ("router.log", attachment, "text/plain"))]
    return client.post(f"{base}/tickets/{number}/reply", data=form, files=files or None)


def make_touch_due(database: Path) -> None:
    """Date every session's last activity two minutes back: the next signed-in page wants
    to record it, a write the read-only portal must skip, not fail the page on."""
    engine = create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(update(sessions).values(
            last_seen_at=datetime.now(UTC) - timedelta(minutes=2)))
    engine.dispose()


@pytest.mark.parametrize("how", ["after_a_clean_stop", "while_serving"])
def test_a_read_only_data_directory_keeps_reads_and_refuses_writes(
        how: str, smtp_server: SmtpServer, tmp_path: Path) -> None:
    data = tmp_path / "var"
    database = data / "clico.db"
    env = portal_env(tmp_path, f"sqlite:///{database}", smtp_server)
    run_clico(env, "db", "upgrade")
    run_clico(env, "demo")
    (data / "blobs").mkdir(exist_ok=True)
    mailbox = Mailbox(smtp_server)
    service = without_file_override()
    modes: dict[Path, int] = {}
    try:
        with httpx.Client(timeout=30) as client:
            with serving(env, tmp_path / "writable.log", wrapper=service) as served:
                sign_in(client, served.base, mailbox)
                made = new_ticket(client, served.base)
                assert made.status_code == 303, made.text
                number = made.headers["location"].rsplit("/", 1)[1]
                assert reply(client, served.base, number, "Pierwsza odpowiedź").status_code == 303
                before = set(NUMBERS.findall(client.get(served.base + "/tickets").text))
                make_touch_due(database)
                if how == "while_serving":
                    modes = make_read_only(data)
            if how == "after_a_clean_stop":
                modes = make_read_only(data)
            # SQLite removes the -wal and -shm at a clean stop, unless it may not
            assert (data / "clico.db-shm").exists() == (how == "while_serving")

            with serving(env, tmp_path / "read-only.log", wrapper=service) as served:
                base = served.base
                for path in ("/tickets", f"/tickets/{number}", "/tickets/new"):
                    page = client.get(base + path)
                    assert page.status_code == 200, (path, page.status_code)
                assert "Pierwsza odpowiedź" in client.get(f"{base}/tickets/{number}").text
                assert set(NUMBERS.findall(client.get(base + "/tickets").text)) == before

                for refused in (reply(client, base, number, "Druga odpowiedź"),
                                reply(client, base, number, "Druga odpowiedź", LOG),
                                new_ticket(client, base)):
                    assert refused.status_code == 503, refused.status_code
                    assert CANNOT_WRITE in refused.text and "Traceback" not in refused.text
                    assert refused.headers["Retry-After"].isdigit()
                thread = client.get(f"{base}/tickets/{number}").text
                assert "Pierwsza odpowiedź" in thread and "Druga odpowiedź" not in thread
                assert set(NUMBERS.findall(client.get(base + "/tickets").text)) == before

                restore(modes)  # writable again: no restart, and the first write works
                modes = {}
                assert reply(client, base, number, "Trzecia odpowiedź", LOG).status_code == 303
                again = new_ticket(client, base)
                assert again.status_code == 303, again.status_code
                thread = client.get(f"{base}/tickets/{number}").text
                assert "Pierwsza odpowiedź" in thread and "Trzecia odpowiedź" in thread
                assert "router.log" in thread
                log = served.stop()
            assert "database cannot_write on POST" in log
            assert "Traceback" not in log and "unhandled error" not in log
    finally:
        restore(modes)  # pytest must be able to remove tmp_path
