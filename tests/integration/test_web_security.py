"""CSRF, foreign origins, headers, cookies, error pages, settings and the argon2 limiter."""

from __future__ import annotations

import threading
import time

import anyio
import pytest
from attrs import evolve

from clico_web import Mode, Settings, SettingsError, create_app
from clico_web.portal import Portal
from clico_web.security.headers import CSP

from .web_fixtures import BASE_URL, PASSWORD, TestClient, csrf_of, sign_in_web

EN = {"accept-language": "en"}
POST_PATHS = ["/signin", "/signin/code", "/signin/code/resend", "/signout", "/password/forgot",
              "/password/reset/abc", "/signup", "/confirm/abc", "/contracts/register",
              "/language"]


@pytest.mark.parametrize("path", POST_PATHS)
def test_post_without_a_csrf_token_is_403(client, path):
    client.get("/signin")  # the browser has its anonymous cookie
    response = client.post(path, data={"login": "jan", "password": "x"})
    assert response.status_code == 403
    assert "refused" in client.post(path, data={}, headers=EN).text


def test_post_with_a_foreign_token_is_403(client, web_world, issued):
    web_world.register("jan", contract=issued)
    app = client.app
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as attacker:
        foreign = csrf_of(attacker, "/signin")
    csrf_of(client, "/signin")
    response = client.post("/signin", data={"login": "jan", "password": PASSWORD,
                                            "csrf_token": foreign})
    assert response.status_code == 403
    assert client.cookies.get("clico_session") is None


def test_a_token_dies_with_the_session_it_was_made_for(client, web_world, issued):
    web_world.register("jan", contract=issued)
    before = csrf_of(client, "/signin")
    sign_in_web(client, web_world)
    response = client.post("/signout", data={"csrf_token": before})
    assert response.status_code == 403


def test_post_from_a_foreign_origin_is_403(client):
    token = csrf_of(client, "/password/forgot")
    response = client.post("/password/forgot", data={"login_or_email": "x",
                                                     "csrf_token": token},
                           headers={"origin": "https://evil.example"})
    assert response.status_code == 403
    same = client.post("/password/forgot", data={"login_or_email": "x", "csrf_token": token},
                       headers={"origin": BASE_URL})
    assert same.status_code == 200


def test_post_without_the_anonymous_cookie_is_403(client):
    token = csrf_of(client, "/signin")
    client.cookies.clear()
    assert client.post("/signin", data={"login": "a", "password": "b",
                                        "csrf_token": token}).status_code == 403


def test_oversized_and_non_form_bodies_are_refused(client):
    token = csrf_of(client, "/password/forgot")
    huge = client.post("/password/forgot", data={"login_or_email": "x" * 300_000,
                                                 "csrf_token": token})
    assert huge.status_code == 413
    as_json = client.post("/password/forgot", json={"csrf_token": token})
    assert as_json.status_code == 403


def test_malformed_forms_are_400(client):
    token = csrf_of(client, "/password/forgot")
    extra = client.post("/password/forgot", data={"login_or_email": "x", "admin": "1",
                                                  "csrf_token": token})
    assert extra.status_code == 400
    missing = client.post("/password/forgot", data={"csrf_token": token})
    assert missing.status_code == 400
    repeated = client.post("/password/forgot",
                           content=f"login_or_email=a&login_or_email=b&csrf_token={token}",
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert repeated.status_code == 400


def test_security_headers_on_every_page(client):
    for path in ("/signin", "/password/forgot", "/signup", "/nowhere"):
        response = client.get(path)
        assert response.headers["content-security-policy"] == CSP
        assert CSP == ("default-src 'self'; object-src 'none'; frame-ancestors 'none'; "
                       "base-uri 'none'; img-src 'self' data:; form-action 'self'")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in response.headers
    css = client.get("/static/style.css")
    assert css.status_code == 200
    assert css.headers["cache-control"] != "no-store"


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_static_files_and_their_errors_never_set_a_cookie(client, method):
    """A shared cache may keep a static file for an hour: with a cookie in it, the next
    visitor would get the first one's anonymous id, and so its CSRF tokens."""
    for path, status, cache in (("/static/style.css", 200, "public, max-age=3600"),
                                ("/static/js/editor.js", 200, "public, max-age=3600"),
                                ("/static/no-such.css", 404, "no-store")):
        client.cookies.clear()
        response = client.request(method, path)
        assert response.status_code == status, path
        assert "set-cookie" not in response.headers, path
        assert response.headers["cache-control"] == cache, path
    client.cookies.clear()
    assert "clico_anon=" in client.get("/signin").headers["set-cookie"]  # pages still do


def test_no_inline_scripts_or_styles(client):
    for path in ("/signin", "/signup", "/password/forgot"):
        text = client.get(path).text
        assert "<script" not in text
        assert "style=" not in text
        assert " on" + "click=" not in text


def test_https_adds_hsts_and_host_prefixed_secure_cookies(web_world, issued):
    settings = Settings(base_url="https://portal.example.test", secret_key="s" * 40,
                        mode=Mode.PRODUCTION, start_mail_worker=False)
    web_world.register("jan", contract=issued)
    app = create_app(settings, services=web_world.services)
    with TestClient(app, base_url="https://portal.example.test",
                    follow_redirects=False) as https:
        page = https.get("/signin")
        assert page.headers["strict-transport-security"].startswith("max-age=")
        assert "__Host-clico_anon=" in page.headers["set-cookie"]
        assert "Secure" in page.headers["set-cookie"]
        token = csrf_of(https, "/signin")
        response = https.post("/signin", data={"login": "jan", "password": PASSWORD,
                                               "csrf_token": token})
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-clico_session=")
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
        assert "Path=/" in cookie
        assert "Domain" not in cookie


def test_custom_404_leaks_nothing(client):
    page = client.get("/no/such/page", headers=EN)
    assert page.status_code == 404
    assert "Page not found." in page.text
    assert "Traceback" not in page.text
    assert client.get("/signin", params={"x": "y"}).status_code == 200
    assert client.put("/signin").status_code in (403, 405)


class _Broken:
    """Services whose every call fails with a message that must never reach the page."""

    def __getattr__(self, name: str):
        def fail(*args: object, **kwargs: object):
            raise RuntimeError("SELECT secret FROM accounts -- token=abc123")
        return fail


def test_custom_500_leaks_nothing(web_settings):
    app = create_app(web_settings, services=_Broken())  # type: ignore[arg-type]
    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False,
                    follow_redirects=False) as broken:
        broken.cookies.set("clico_session", "A" * 43)
        page = broken.get("/tickets", headers=EN)
        assert page.status_code == 500
        assert "Something went wrong on our side" in page.text
        assert page.headers["content-security-policy"] == CSP
        assert page.headers["cache-control"] == "no-store"
        for leak in ("SELECT", "secret", "abc123", "Traceback", "RuntimeError"):
            assert leak not in page.text


def test_production_refuses_to_start_without_a_strong_secret_key(tmp_path):
    with pytest.raises(SettingsError):
        Settings(base_url="https://portal.example.test", mode=Mode.PRODUCTION)
    with pytest.raises(SettingsError):
        Settings.from_env({"CLICO_MODE": "production", "CLICO_SECRET_KEY": "short",
                           "CLICO_BASE_URL": "https://portal.example.test"})
    with pytest.raises(SettingsError):
        Settings.from_env({"CLICO_MODE": "production", "CLICO_SECRET_KEY": "k" * 40,
                           "CLICO_BASE_URL": "http://portal.example.test"})
    ok = Settings.from_env({"CLICO_MODE": "production", "CLICO_SECRET_KEY": "k" * 40,
                            "CLICO_BASE_URL": "https://portal.example.test/",
                            "CLICO_DATA_DIR": "/srv/clico", "CLICO_LANGUAGE": "en",
                            "CLICO_MAIL_FROM": "support@example.test"})
    assert ok.base_url == "https://portal.example.test"
    assert ok.https
    assert str(ok.data_dir) == "/srv/clico"
    assert ok.mail_from == "support@example.test"
    demo = Settings.from_env({"CLICO_MODE": "demo", "CLICO_DATA_DIR": str(tmp_path)})
    assert demo.mode is Mode.DEMO
    key = demo.effective_secret_key()
    assert len(key) >= 32
    assert Settings.from_env({"CLICO_DATA_DIR": str(tmp_path)}).effective_secret_key() == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_hashing_calls_run_behind_their_own_small_limit(web_settings, web_world):
    settings = evolve(web_settings, argon2_concurrency=2)  # more than one, to show the cap
    portal = Portal(settings, web_world.services, {})
    lock = threading.Lock()
    running = 0
    peak = 0

    def slow() -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    async def flood() -> None:
        async with anyio.create_task_group() as group:
            for _ in range(8):
                group.start_soon(portal.call_hashing, slow)

    anyio.run(flood)
    assert peak == settings.argon2_concurrency == 2


def test_overlong_fields_are_400(client):
    token = csrf_of(client, "/signin")
    response = client.post("/signin", data={"login": "a" * 321, "password": "x",
                                            "csrf_token": token})
    assert response.status_code == 400
    nul = client.post("/signin", data={"login": "a\x00b", "password": "x", "csrf_token": token})
    assert nul.status_code == 400


def test_links_with_secrets_never_reach_the_logs(client):
    import logging

    class Keep(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.DEBUG)
            self.lines: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.lines.append(record.getMessage())

    kept = Keep()
    # attached to the loggers themselves: uvicorn's own config stops them propagating
    loggers = [logging.getLogger(n) for n in ("uvicorn.access", "uvicorn.error", "clico_web")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(kept)
        logger.setLevel(logging.INFO)
    try:
        access = loggers[0]
        # what uvicorn logs for each request, with the path as an argument
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5555", "GET",
                    "/password/reset/SECRET-TOKEN-123?x=1", "1.1", 400)
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5555", "GET", "/confirm/SECRET-2",
                    "1.1", 200)
        client.get("/password/reset/SECRET-TOKEN-456")
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(kept)
            logger.setLevel(level)
    logged = "\n".join(kept.lines)
    assert "SECRET" not in logged
    assert "/password/reset/[redacted]?x=1" in logged and "/confirm/[redacted]" in logged
