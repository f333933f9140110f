"""Fixtures for the web tests: the portal over a chosen backend, driven by TestClient.

``web_world`` runs each test over SQLite and PostgreSQL through the shared ``database_url``
fixture of ``conftest.py`` (PostgreSQL skips without ``CLICO_TEST_POSTGRES_URL``). The core's
own tests cover the in-memory adapters. The fixtures are registered in ``conftest.py``; test
modules import the helpers (``csrf_of``, ``form_post``, ``sign_in_web``, …) by name.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its TestClient; httpx (a dev dependency) still works.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import SeededSecrets, SteppingClock
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_core.mail import MailTemplate
from clico_web import Settings, create_app

from ..support import PASSWORD, World, sealing_box

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
BASE_URL = "http://testserver"
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@pytest.fixture(scope="session")
def web_hasher() -> Argon2Hasher:
    return Argon2Hasher.minimum()


@pytest.fixture
def web_world(database_url: str, web_hasher: Argon2Hasher) -> Iterator[World]:
    """The core over the database under test, with a hand-moved clock and seeded secrets."""
    clock = SteppingClock(START)
    database = SqlDatabase.from_url(database_url, new_id=SeededSecrets(7).new_id,
                                    box=sealing_box())
    services = bootstrap(uow=database.uow_factory, clock=clock, secrets=SeededSecrets(42),
                         hasher=web_hasher)
    yield World(services, clock, database.mail_queue, today=TODAY)
    database.dispose()


@pytest.fixture
def web_settings() -> Settings:
    return Settings(base_url=BASE_URL, secret_key="k" * 40, mode="development",
                    start_mail_worker=False)


@pytest.fixture
def client(web_world: World, web_settings: Settings) -> Iterator[TestClient]:
    app = create_app(web_settings, services=web_world.services)
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def issued(web_world: World):  # type: ignore[no-untyped-def]
    return web_world.issue("C-1", "Acme")


def csrf_of(client: TestClient, path: str = "/signin") -> str:
    """The CSRF token of the form on ``path`` (GETting it also sets the anonymous cookie)."""
    page = client.get(path)
    match = _CSRF.search(page.text)
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


def form_post(client: TestClient, path: str, data: dict[str, str], *,
              token_from: str | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
    """POST a form the way a browser does: with the token of the page it came from."""
    token = csrf_of(client, token_from or path)
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)  # type: ignore[arg-type]


_SECRET = re.compile(r'name="secret" value="([A-Z2-7]+)"')


def sign_in_web(client: TestClient, world: World, login: str = "jan",
                password: str = PASSWORD) -> None:
    """Both sign-in steps through the web pages; a staff member without an authenticator
    app enrols one on the way (its secret kept in ``world.totp_secrets``), one with it uses
    its codes."""
    response = form_post(client, "/signin", {"login": login, "password": password})
    assert response.status_code == 303, response.text
    if response.headers["location"] == "/signin/code?app=1":
        response = form_post(client, "/signin/code?app=1", {"code": world.totp_code(login)},
                             token_from="/signin/code?app=1")
    else:
        assert response.headers["location"] == "/signin/code"
        code = world.last_mail(MailTemplate.SIGN_IN_CODE).mail.context["code"]
        response = form_post(client, "/signin/code", {"code": code})
    assert response.status_code == 303, response.text
    if response.headers["location"] == "/signin/enrol":
        secret = _SECRET.search(client.get("/signin/enrol").text)
        assert secret is not None
        world.totp_secrets[login] = secret.group(1)
        response = form_post(client, "/signin/enrol",
                             {"secret": secret.group(1), "code": world.totp_code(login)})
        assert response.status_code == 200 and "recovery-codes" in response.text, response.text
        return
    assert response.headers["location"] == "/"
