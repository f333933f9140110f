"""The ``clico`` command through click's runner, on SQLite and PostgreSQL, bad input included."""

from __future__ import annotations

import functools
import json
import os
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clico_adapters.attachments import FilesystemBlobStore
from clico_adapters.bootstrap import bootstrap
from clico_adapters.sql import SqlDatabase
from clico_core.contracts import hash_contract_key
from clico_core.testing import builders as b
from clico_core.tickets import TicketStatus
from clico_web.cli import main
from clico_web.cli.serve import served_app

from ..support import sealing_box


@pytest.fixture
def clico(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {"CLICO_DATABASE_URL": database_url, "CLICO_DATA_DIR": str(tmp_path / "var"),
           "CLICO_MAIL_URL": "", "CLICO_BASE_URL": "https://support.example.com"}

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return run


def _ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def _fails(result: Result, reason: str) -> None:
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(lines) == 1 and reason in lines[0], result.output


def test_every_command_has_help(clico) -> None:  # type: ignore[no-untyped-def]
    for args in (["--help"], ["serve", "--help"], ["worker", "--help"], ["db", "upgrade", "-h"],
                 ["demo", "--help"], ["contracts", "issue", "--help"], ["accounts", "import",
                 "--help"], ["staff", "create", "--help"], ["outbox", "status", "--help"],
                 ["config", "--help"], ["blobs", "sweep", "--help"],
                 ["tickets", "auto-close", "--help"], ["doctor", "--help"],
                 ["db", "backup", "--help"], ["db", "restore", "--help"]):
        assert "Usage:" in _ok(clico(*args))


def test_demo_is_idempotent_and_prints_credentials(clico) -> None:  # type: ignore[no-untyped-def]
    first = _ok(clico("demo"))
    assert "demo / Zielona herbata 2026" in first and "DEMOK-00000-00000-000A1" in first
    second = _ok(clico("demo"))
    assert "DEMOK-00000-00000-000B2" in second
    listing = _ok(clico("contracts", "list"))
    assert listing.count("DEMO-2026-00") == 2
    accounts = _ok(clico("accounts", "list"))
    assert accounts.count("demo@example.com") == 1 and "must_reset_password" in accounts
    assert "Demo Sp. z o.o." in accounts
    shown = _ok(clico("contracts", "show", "DEMO-2026-001"))
    assert "demo@example.com" in shown and "FortiGate-60F" in shown
    assert "DEMO-2026-002" in _ok(clico("contracts", "list", "--company", "demo sp. z o.o."))
    _fails(clico("contracts", "list", "--company", "Nobody"), "no company named 'Nobody'")


def test_issue_prints_the_key_once_and_stores_its_hash(clico, database_url: str  # type: ignore[no-untyped-def]
                                                       ) -> None:
    out = _ok(clico("contracts", "issue", "--number", "C-77", "--company", "Acme",
                    "--valid-until", "2030-01-01", "--asset", "PAN-PA-450;PALO_ALTO;0128",
                    "--asset", "FG-60F;FORTINET;FGT1", "--json"))
    issued = json.loads(out)
    assert issued["number"] == "C-77" and len(issued["activation_key"]) == 23
    db = SqlDatabase.from_url(database_url)
    try:
        contract = bootstrap(uow=db.uow_factory).contract_by_number("C-77").contract
        assert len(contract.asset_ids) == 2
        assert contract.key_hash == hash_contract_key(issued["activation_key"])
    finally:
        db.dispose()
    shown = _ok(clico("contracts", "show", "C-77"))
    assert "PAN-PA-450" in shown and "FORTINET" in shown
    assert issued["activation_key"] not in shown
    assert "Acme" in _ok(clico("contracts", "list", "--company", "acme"))


@pytest.mark.parametrize(("args", "reason"), [
    (["--valid-until", "2030-02-30"], "is not a date"),
    (["--valid-until", "2030-01-01", "--asset", "PA-450;PALO_ALTO"], "NAME;VENDOR;SERIAL"),
    (["--valid-until", "2030-01-01", "--asset", "PA-450;;SN"], "NAME;VENDOR;SERIAL"),
    (["--valid-until", "2020-01-01", "--valid-from", "2021-01-01"], "valid_until"),
])
def test_issue_refuses_bad_input(clico, args: list[str], reason: str) -> None:  # type: ignore[no-untyped-def]
    _fails(clico("contracts", "issue", "--number", "C-1", "--company", "Acme", *args), reason)
    _fails(clico("contracts", "show", "C-1"), "no contract")


def test_issue_refuses_a_used_number(clico) -> None:  # type: ignore[no-untyped-def]
    args = ["contracts", "issue", "--number", "C-1", "--company", "Acme", "--valid-until",
            "2030-01-01"]
    _ok(clico(*args))
    _fails(clico(*args), "duplicate contract number")


CSV = ("email,first_name,last_name,phone,company,language\n"
       "anna@acme.pl,Anna,Nowak,+48 600 000 001,Acme,pl\n"
       "piotr@acme.pl,Piotr,Wiśniewski,,Acme,en\n"
       "broken,X,Y,,Acme,\n"
       "ANNA@acme.pl,Anna,Duplikat,,Acme,\n")


def test_import_tac_accounts(clico, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "tac.csv"
    path.write_text(CSV, encoding="utf-8")
    dry = _ok(clico("accounts", "import", str(path), "--dry-run"))
    assert "would create 2" in dry
    assert "piotr@acme.pl" not in _ok(clico("accounts", "list"))
    out = _ok(clico("accounts", "import", str(path)))
    assert "created 2, already present 0, rejected 2" in out
    assert "invalid e-mail address" in out and "e-mail appears earlier in this file" in out
    assert "│ 4 " in out or " 4 " in out  # line numbers of the rejected rows
    again = _ok(clico("accounts", "import", str(path)))
    assert "created 0, already present 2, rejected 2" in again


@pytest.mark.parametrize(("content", "reason"), [
    (b"email,first_name,last_name\nanna@acme.pl,Anna,Nowak\n",
     "lacks the column(s) phone, company"),
    ("email,first_name,last_name,phone,company\nż@acme.pl,Ż,Ż,,Acme\n".encode("cp1250"),
     "is not UTF-8"),
    (b"email,first_name,last_name,phone,company\na@acme.pl,A,B,,Acme,extra,fields\n",
     "more fields than the header"),
])
def test_malformed_files_import_nothing(clico, tmp_path: Path, content: bytes,  # type: ignore[no-untyped-def]
                                        reason: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    _fails(clico("accounts", "import", str(path)), reason)
    assert "acme.pl" not in _ok(clico("accounts", "list"))


def test_disable_and_staff(clico) -> None:  # type: ignore[no-untyped-def]
    _ok(clico("demo"))
    assert "e-mail again" in _ok(clico("accounts", "reset-2fa", "demo"))
    _fails(clico("accounts", "reset-2fa", "nobody"), "not found")
    assert "disabled" in _ok(clico("accounts", "disable", "demo@example.com"))
    assert "disabled" in _ok(clico("accounts", "list"))
    _fails(clico("accounts", "disable", "nobody"), "not found")
    out = _ok(clico("staff", "create", "--email", "eng@clico.pl", "--first-name", "Ewa",
                    "--last-name", "Nowak", "--role", "engineer"))
    assert "https://support.example.com/password/reset/" in out
    _fails(clico("staff", "create", "--email", "eng@clico.pl", "--first-name", "Ewa",
                 "--last-name", "Nowak", "--role", "engineer"), "email_taken")


def test_outbox_status_and_retry(clico) -> None:  # type: ignore[no-untyped-def]
    _ok(clico("demo"))
    assert "pending" in _ok(clico("outbox", "status"))
    assert "0 failed mail(s) queued again" in _ok(clico("outbox", "retry", "--failed"))


def test_blobs_sweep_removes_old_unused_files_only(clico, tmp_path: Path
                                                  ) -> None:  # type: ignore[no-untyped-def]
    store = FilesystemBlobStore(tmp_path / "var" / "blobs")
    old, young = store.put([b"an orphan of a failed form"]), store.put([b"just uploaded"])
    two_hours_ago = time.time() - 7200
    digest = old.digest
    os.utime(tmp_path / "var" / "blobs" / digest[:2] / digest[2:4] / digest,
             (two_hours_ago, two_hours_ago))
    out = _ok(clico("blobs", "sweep", "--older-than-hours", "1"))
    assert "0 unlinked upload(s), 1 unused file(s) and 0 unfinished upload(s) removed" in out
    assert not store.exists(old.digest) and store.exists(young.digest)
    assert clico("blobs", "sweep", "--older-than-hours", "0").exit_code != 0


def test_serve_refuses_pending_migrations(empty_database_url: str, tmp_path: Path) -> None:
    env = {"CLICO_DATABASE_URL": empty_database_url, "CLICO_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    result = runner.invoke(main, ["serve"], env=env)
    _fails(result, "migrations are pending")
    _fails(runner.invoke(main, ["contracts", "list"], env=env), "clico db upgrade")
    assert "migrations pending" in _ok(runner.invoke(main, ["db", "current"], env=env))
    _ok(runner.invoke(main, ["db", "upgrade"], env=env))
    assert "up to date" in _ok(runner.invoke(main, ["db", "current"], env=env))


@pytest.mark.parametrize(("args", "variables", "base_url", "mail_worker"), [
    (["--port", "8123", "--no-mail-worker"], {}, "http://127.0.0.1:8123", False),
    (["--host", "0.0.0.0", "--port", "8124"], {}, "http://127.0.0.1:8124", True),
    (["--port", "8125"], {"CLICO_BASE_URL": "https://support.example.com"},
     "https://support.example.com", True),
])
def test_serve_hands_its_options_to_the_server_as_settings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
        variables: dict[str, str], base_url: str, mail_worker: bool) -> None:
    import os

    import uvicorn

    started: list[uvicorn.Config] = []
    written: list[str | None] = []

    def run(server: uvicorn.Server, sockets: object = None) -> None:
        started.append(server.config)  # stands in for serving: what would each process build?
        written.extend(os.environ.get(n) for n in ("CLICO_MAIL_WORKER", "CLICO_BASE_URL"))
        server.started = True

    monkeypatch.setattr(uvicorn.Server, "run", run)
    env = {"CLICO_DATA_DIR": str(tmp_path), "CLICO_BASE_URL": None, "CLICO_MAIL_WORKER": None,
           **variables}
    _ok(CliRunner().invoke(main, ["serve", "--migrate", *args], env=env))
    [config] = started
    assert config.factory and isinstance(config.app, functools.partial)
    assert config.app.func is served_app  # the app built, then its start-up heap frozen
    [settings] = config.app.args
    assert (settings.base_url, settings.start_mail_worker) == (base_url, mail_worker)
    assert settings.data_dir == tmp_path
    assert written == [None, variables.get("CLICO_BASE_URL")]  # nothing went by environment


def _subprocess(args: list[str], env: dict[str, str]):  # type: ignore[no-untyped-def]
    import os
    import shutil
    import subprocess
    import sys

    clico_bin = shutil.which("clico", path=str(Path(sys.executable).parent))
    assert clico_bin, "the clico entry point is installed with the package"
    return subprocess.run([clico_bin, *args], env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=120, check=False)


def test_real_subprocesses(database_url: str, tmp_path: Path) -> None:
    env = {"CLICO_DATABASE_URL": database_url, "CLICO_DATA_DIR": str(tmp_path / "var")}
    issued = _subprocess(["contracts", "issue", "--number", "S-1", "--company", "Sub Sp. z o.o.",
                          "--valid-until", "2031-12-31", "--asset", "PAN-PA-450;PALO_ALTO;1",
                          "--json"], env)
    assert issued.returncode == 0, issued.stderr
    assert json.loads(issued.stdout)["number"] == "S-1"
    again = _subprocess(["contracts", "issue", "--number", "S-1", "--company", "X",
                         "--valid-until", "2031-12-31"], env)
    assert again.returncode == 1 and "duplicate contract number" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    csv_path = tmp_path / "tac.csv"
    csv_path.write_text(CSV, encoding="utf-8")
    imported = _subprocess(["accounts", "import", str(csv_path)], env)
    assert imported.returncode == 0 and "created 2" in imported.stdout, imported.stderr


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text(
        "# a comment\nCLICO_BASE_URL=https://from-file.example.com\n"
        "CLICO_MAIL_FROM=helpdesk@example.com\nCLICO_SECRET_KEY=file-secret-1234567890\n"
        "OTHER=ignored\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLICO_ENV_FILE", raising=False)
    env = {"CLICO_MAIL_FROM": "support@example.com", "CLICO_DATA_DIR": str(tmp_path)}
    out = _ok(CliRunner().invoke(main, ["config"], env=env))
    assert "https://from-file.example.com" in out and "support@example.com" in out
    assert "file-secret" not in out and "****" in out
    missing = CliRunner().invoke(main, ["config"], env={**env, "CLICO_ENV_FILE": "nope.env"})
    _fails(missing, "not a file")


def test_passwords_in_urls_are_masked() -> None:
    from clico_web.cli.database import mask_url

    assert mask_url("postgresql+psycopg://clico:s3cr@t:x@db:5432/clico") == (
        "postgresql+psycopg://clico:****@db:5432/clico")
    assert mask_url("smtp://u:p@h:25?starttls=require") == "smtp://u:****@h:25?starttls=require"
    assert mask_url("maildir:///var/mail") == "maildir:///var/mail"


def test_tickets_auto_close_closes_quiet_resolved_tickets_once(
        clico, database_url: str) -> None:  # type: ignore[no-untyped-def]
    _ok(clico("db", "upgrade"))
    long_ago = datetime.now(UTC) - timedelta(days=8)
    db = SqlDatabase.from_url(database_url)
    try:
        company = b.company()
        reporter = b.account(company.id)
        with db.uow_factory() as uow:
            uow.companies.add(company)
            uow.accounts.add(reporter)
            uow.tickets.add(b.ticket(company.id, reporter.id, "CSS-000001", at=long_ago,
                                     status=TicketStatus.RESOLVED))
            uow.tickets.add(b.ticket(company.id, reporter.id, "CSS-000002",
                                     at=datetime.now(UTC), status=TicketStatus.RESOLVED))
            uow.commit()
        assert "1 closed · 0 reminded" in _ok(clico("tickets", "auto-close"))
        assert "0 closed · 0 reminded" in _ok(clico("tickets", "auto-close"))
        with db.uow_factory(readonly=True) as uow:
            closed = uow.tickets.get_by_number("CSS-000001")
            fresh = uow.tickets.get_by_number("CSS-000002")
        assert closed is not None and closed.status is TicketStatus.CLOSED
        assert fresh is not None and fresh.status is TicketStatus.RESOLVED
    finally:
        db.dispose()


def test_secrets_rotate_reseals_under_the_new_key(database_url: str, tmp_path: Path) -> None:
    old, new = "the old key of forty characters or more!", "the new key of forty characters, too!"

    def run(*args: str, **env: str) -> str:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False, env={
            "CLICO_DATABASE_URL": database_url, "CLICO_DATA_DIR": str(tmp_path / "var"),
            "CLICO_MAIL_URL": "", "CLICO_SECRET_KEY_PREVIOUS": "", **env})
        return _ok(result)

    run("demo", CLICO_SECRET_KEY=old)  # queues the demo's mails, links sealed under ``old``
    _fails(CliRunner().invoke(main, ["secrets", "rotate"], env={
        "CLICO_DATABASE_URL": database_url, "CLICO_DATA_DIR": str(tmp_path / "var"),
        "CLICO_SECRET_KEY": new, "CLICO_SECRET_KEY_PREVIOUS": ""}),
        "could not be opened: put the key that sealed them in CLICO_SECRET_KEY_PREVIOUS")
    rotated = run("secrets", "rotate", "--batch", "1", CLICO_SECRET_KEY=new,
                  CLICO_SECRET_KEY_PREVIOUS=f" {old} ,")
    assert re.search(r"0 authenticator secret\(s\), [1-9]\d* queued mail\(s\)", rotated)
    again = run("secrets", "rotate", CLICO_SECRET_KEY=new, CLICO_SECRET_KEY_PREVIOUS=old)
    assert "0 authenticator secret(s), 0 queued mail(s)" in again
    assert "CLICO_SECRET_KEY_PREVIOUS may be removed" in again
    db = SqlDatabase.from_url(database_url, box=sealing_box(new))  # the old key is gone
    try:
        links = [m.mail.context.get("link_path", "") for m in db.mail_queue.all()]
        assert any(link.startswith("/confirm/") for link in links)
    finally:
        db.dispose()
