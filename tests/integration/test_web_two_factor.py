"""An authenticator app as the second sign-in step, through the web pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp

from .web_fixtures import PASSWORD, form_post, sign_in_web

SECRET = re.compile(r'name="secret" value="([A-Z2-7]+)"')
RECOVERY = re.compile(r"<code>([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})</code>")


def _enrol(client, web_world) -> pyotp.TOTP:  # type: ignore[no-untyped-def]
    page = client.get("/account/two-factor")
    assert page.status_code == 200 and "Logowanie dwuetapowe" in page.text
    secret = SECRET.search(page.text)
    assert secret is not None and "otpauth://totp/" in page.text
    totp = pyotp.TOTP(secret.group(1))
    wrong = form_post(client, "/account/two-factor/enable",
                      {"secret": secret.group(1), "code": "000000", "password": PASSWORD},
                      token_from="/account/two-factor")
    assert wrong.status_code == 400 and "Kod jest nieprawidłowy" in wrong.text
    now = web_world.services.ports.clock.now()
    stolen = form_post(client, "/account/two-factor/enable",
                       {"secret": secret.group(1), "code": totp.at(now), "password": "guess"},
                       token_from="/account/two-factor")
    assert stolen.status_code == 400 and "Hasło jest nieprawidłowe." in stolen.text
    done = form_post(client, "/account/two-factor/enable",
                     {"secret": secret.group(1), "code": totp.at(now), "password": PASSWORD},
                     token_from="/account/two-factor")
    assert done.status_code == 200 and "Kody odzyskiwania" in done.text
    assert len(RECOVERY.findall(done.text)) == 10  # shown once, here
    assert "aplikacji uwierzytelniającej" in client.get("/account/two-factor?done=on").text
    return totp


def test_enrol_then_sign_in_with_the_app(client, web_world, issued) -> None:  # type: ignore[no-untyped-def]
    web_world.register("jan", contract=issued)
    sign_in_web(client, web_world)
    totp = _enrol(client, web_world)
    client.cookies.clear()
    web_world.clock.advance(timedelta(seconds=30))
    step = form_post(client, "/signin", {"login": "jan", "password": PASSWORD})
    assert step.headers["location"] == "/signin/code?app=1"
    page = client.get("/signin/code?app=1")
    assert "Enter the code from your authenticator app" in page.text or \
        "Wpisz kod z aplikacji" in page.text
    assert "/signin/code/resend" not in page.text
    code = totp.at(web_world.services.ports.clock.now())
    done = form_post(client, "/signin/code?app=1", {"code": code}, token_from="/signin/code?app=1")
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert client.get("/tickets").status_code == 200


def test_turning_it_off_needs_the_password(client, web_world, issued) -> None:  # type: ignore[no-untyped-def]
    web_world.register("jan", contract=issued)
    sign_in_web(client, web_world)
    _enrol(client, web_world)
    wrong = form_post(client, "/account/two-factor/disable", {"password": "nope nope nope"},
                      token_from="/account/two-factor")
    assert wrong.status_code == 400 and "Hasło jest nieprawidłowe." in wrong.text
    off = form_post(client, "/account/two-factor/disable", {"password": PASSWORD},
                    token_from="/account/two-factor")
    assert off.status_code == 303
    assert "wysyłane e-mailem" in client.get(off.headers["location"]).text


def test_two_factor_pages_need_a_session_and_csrf(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/account/two-factor").status_code in (302, 303)
    assert client.post("/account/two-factor/enable",
                       data={"secret": "A" * 32, "code": "1", "password": "x"}).status_code == 403
