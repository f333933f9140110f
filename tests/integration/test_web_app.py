"""``create_app(settings)`` alone: SQLite in the data directory and the mail worker delivering
to the local Maildir, started and stopped by the lifespan."""

from __future__ import annotations

import mailbox
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest

from clico_adapters.sql import SqlDatabase, default_database_url
from clico_core.services import IssueContract
from clico_web import Mode, Settings, create_app

from .web_fixtures import PASSWORD, TestClient, csrf_of


def wait_for_mail(folder: Path, count: int, timeout: float = 15.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if folder.exists():
            box = mailbox.Maildir(folder, create=False)
            bodies = [part.get_payload(decode=True).decode()
                      for message in box for part in message.walk()
                      if part.get_content_type() == "text/plain"]
            if len(bodies) >= count:
                return bodies
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} mails in {folder}")


def test_the_app_builds_its_backend_and_delivers_mail(tmp_path):
    settings = Settings(base_url="http://testserver", mode=Mode.DEMO, data_dir=tmp_path,
                        start_mail_worker=True)
    app = create_app(settings)
    services = app.state.portal.services
    issued = services.issue_contract(IssueContract(
        "C-77", "Acme", services.ports.today() + timedelta(days=30)))
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as client:
        token = csrf_of(client, "/signup")
        response = client.post("/signup", data={
            "login": "ewa", "email": "ewa@example.com", "first_name": "Ewa",
            "last_name": "Nowak", "password": PASSWORD, "password_confirm": PASSWORD,
            "phone": "+48 600 100 200", "contract_number": "C-77",
            "activation_code": issued.activation_key, "company": "Acme",
            "csrf_token": token})
        assert response.status_code == 200
        [mail] = wait_for_mail(tmp_path / "mail", 1)
        path = re.search(r"http://testserver(/confirm/[A-Za-z0-9_-]+)", mail)
        assert path, mail
        confirm = client.post(path.group(1), data={"csrf_token": csrf_of(client, path.group(1))})
        assert confirm.status_code == 200
    assert (tmp_path / "clico.db").exists()
    database = SqlDatabase.from_url(default_database_url(tmp_path))
    assert not database.pending_migrations()
    database.dispose()


def test_outside_demo_mode_the_app_never_migrates_silently(tmp_path):
    from clico_web.settings import SettingsError

    settings = Settings(base_url="http://testserver", mode=Mode.DEVELOPMENT, data_dir=tmp_path,
                        start_mail_worker=False)
    with pytest.raises(SettingsError, match="clico db upgrade"):
        create_app(settings)


def test_the_app_shows_images_from_its_own_address_and_links_the_rest(tmp_path):
    settings = Settings(base_url="https://portal.example.test", mode=Mode.DEMO,
                        data_dir=tmp_path, start_mail_worker=False)
    sanitize = create_app(settings).state.portal.services.ports.sanitize
    own = '<img src="https://portal.example.test/static/logo.png" alt="Logo">'
    assert sanitize(own) == own
    assert sanitize('<img src="https://evil.example/p.png">').startswith(
        '<a href="https://evil.example/p.png"')
