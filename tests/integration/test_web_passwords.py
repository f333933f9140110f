"""``Forgot my password``: the same answer always, the reset link, a migrated account."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from attrs import evolve

from clico_core.mail import MailTemplate
from clico_core.services import MigratedAccount, Services
from clico_web import create_app
from clico_web.security.csrf import csrf_token

from .web_fixtures import form_post, sign_in_web

EN = {"accept-language": "en"}
NEW_PASSWORD = "a brand new passphrase 42"
DONE = "Your password has been reset. Check your email for further instructions."


def test_forgot_page_shows_the_guides_strings(client):
    page = client.get("/password/forgot", headers=EN)
    assert '<label for="f-login_or_email">Login or email</label>' in page.text
    assert 'placeholder="Enter your login or email"' in page.text
    assert "Submit" in page.text


def test_same_answer_for_existing_and_unknown_accounts(client, web_world, issued):
    web_world.register("jan", contract=issued)
    known = form_post(client, "/password/forgot", {"login_or_email": "jan"}, headers=EN)
    unknown = form_post(client, "/password/forgot", {"login_or_email": "nobody"}, headers=EN)
    assert known.status_code == unknown.status_code == 200
    assert DONE in known.text
    assert known.text == unknown.text
    assert web_world.last_mail(MailTemplate.PASSWORD_RESET, "jan@example.com")


def test_reset_link_sets_a_new_password_once(client, web_world, issued):
    web_world.register("jan", contract=issued)
    form_post(client, "/password/forgot", {"login_or_email": "jan@example.com"})
    secret = web_world.secret_from(MailTemplate.PASSWORD_RESET)
    path = f"/password/reset/{secret}"
    page = client.get(path, headers=EN)
    assert page.status_code == 200
    assert '<label for="f-password">Password</label>' in page.text
    assert 'placeholder="Enter your password"' in page.text
    assert '<label for="f-password_confirm">Confirm password</label>' in page.text

    differ = form_post(client, path, {"password": NEW_PASSWORD, "password_confirm": "other"},
                       headers=EN)
    assert differ.status_code == 400
    assert "The passwords do not match." in differ.text
    assert NEW_PASSWORD not in differ.text
    short = form_post(client, path, {"password": "short", "password_confirm": "short"},
                      headers={"accept-language": "pl"})
    assert "Hasło musi mieć co najmniej 12 znaków." in short.text

    done = form_post(client, path, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
                     headers=EN)
    assert done.status_code == 200
    assert "Password has been changed." in done.text
    again = client.get(path, headers=EN)
    assert again.status_code == 400
    assert "This link is invalid, used or expired." in again.text
    sign_in_web(client, web_world, "jan", NEW_PASSWORD)


def test_unknown_reset_link_is_refused(client):
    assert client.get("/password/reset/not-a-real-secret").status_code == 400
    response = form_post(client, "/password/reset/not-a-real-secret",
                         {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
                         token_from="/signin")
    assert response.status_code == 400


def test_migrated_account_resets_and_signs_in_with_its_email(client, web_world):
    web_world.services.import_migrated_accounts([MigratedAccount(
        1, "olga@example.com", "Olga", "Stara", "", "Acme")])
    form_post(client, "/password/forgot", {"login_or_email": "olga@example.com"})
    secret = web_world.secret_from(MailTemplate.PASSWORD_RESET, "olga@example.com")
    path = f"/password/reset/{secret}"
    done = form_post(client, path, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
                     headers=EN)
    assert "Password has been changed." in done.text
    sign_in_web(client, web_world, "olga@example.com", NEW_PASSWORD)
    assert "Olga Stara" in client.get("/tickets").text


class _Watched:
    """A unit of work (or one of its repositories) that notes every call made on it."""

    def __init__(self, target: Any, name: str, events: list[str]) -> None:
        self._target, self._name, self._events = target, name, events

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(self._target, attribute)
        if attribute in _REPOSITORIES:
            return _Watched(value, attribute, self._events)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            self._events.append(f"{self._name}.{attribute}")
            return value(*args, **kwargs)

        return call

    def __enter__(self) -> _Watched:
        self._events.append("begin")
        self._target.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._target.__exit__(*exc)


_REPOSITORIES = {"companies", "accounts", "contracts", "assets", "tickets", "tokens", "sessions",
                 "attempts", "audit", "outbox"}


def _forgot(app: Any, key: bytes, identifier: str, client: str, events: list[str]) -> int:
    """POST the forgot-password form straight to the ASGI app; notes ``answered`` when the
    last byte of the answer is sent (whatever the app does after that comes later)."""
    anon = "watched-browser-0001"
    body = urlencode({"csrf_token": csrf_token(key, anon, ""),
                      "login_or_email": identifier}).encode()
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/password/forgot",
             "raw_path": b"/password/forgot", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), (b"cookie", f"clico_anon={anon}".encode()),
                         (b"content-type", b"application/x-www-form-urlencoded"),
                         (b"content-length", str(len(body)).encode())],
             "client": (client, 50000), "server": ("testserver", 80), "state": {}}
    status = 0
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body" and not message.get("more_body"):
            events.append("answered")

    asyncio.run(app(scope, receive, send))
    return status


def test_known_and_unknown_accounts_do_the_same_work_before_the_answer(
        web_world, web_settings, issued):
    web_world.register("jan", contract=issued)
    events: list[str] = []
    ports = web_world.services.ports
    watched = Services(evolve(ports, uow=lambda **kw: _Watched(ports.uow(**kw), "uow", events)))
    app = create_app(web_settings, services=watched)
    key = web_settings.effective_secret_key()
    runs = {}
    for identifier, client in (("jan", "198.51.100.1"), ("nobody", "198.51.100.2"),
                               ("jan@example.com", "198.51.100.3"),
                               ("nobody@example.com", "198.51.100.4")):
        events.clear()
        assert _forgot(app, key, identifier, client, events) == 200
        runs[identifier] = list(events)
    before = {identifier: run[:run.index("answered")] for identifier, run in runs.items()}
    assert before["jan"] == before["nobody"] == before["jan@example.com"] \
        == before["nobody@example.com"]
    # the work is still done, after the answer
    assert "outbox.add" in runs["jan"] and "outbox.add" not in runs["nobody"]
    assert web_world.last_mail(MailTemplate.PASSWORD_RESET, "jan@example.com")
