"""Signing in through the portal: both steps, failures, codes, signing out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clico_core.errors import InvalidCredentials
from clico_core.mail import MailTemplate
from clico_core.services import MigratedAccount, SignIn
from clico_core.sessions import MAX_CODE_FAILURES, RESEND_INTERVAL
from clico_web import Settings, create_app
from clico_web.settings import Mode

from .web_fixtures import BASE_URL, PASSWORD, TestClient, form_post, sign_in_web

EN = {"accept-language": "en"}
WRONG = "Wrong login or password."


def session_cookie(client) -> str | None:
    return client.cookies.get("clico_session")


def test_sign_in_screen_shows_the_guides_english_strings(client):
    page = client.get("/signin", headers=EN)
    assert page.status_code == 200
    for text in ("Login", "Password", "Forgot my password", "Sign Up",
                 'href="/password/forgot"', 'href="/signup"', 'method="post" action="/signin"'):
        assert text in page.text
    assert '<label for="f-login">Login</label>' in page.text
    assert '<label for="f-password">Password</label>' in page.text


def test_sign_in_screen_exists_in_polish(client):
    page = client.get("/signin", headers={"accept-language": "pl-PL,pl;q=0.9,en;q=0.5"})
    assert '<html lang="pl">' in page.text
    assert "Hasło" in page.text
    assert "Nie pamiętam hasła" in page.text


def test_both_steps_sign_in_and_rotate_the_session_cookie(client, web_world, issued):
    web_world.register("jan", contract=issued)
    response = form_post(client, "/signin", {"login": "jan", "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["location"] == "/signin/code"
    pending = session_cookie(client)
    assert pending
    assert "HttpOnly" in response.headers["set-cookie"]
    assert "SameSite=lax" in response.headers["set-cookie"]

    page = client.get("/signin/code", headers=EN)
    assert "A code has been sent to your email address" in page.text
    assert '<label for="f-code">Enter your code</label>' in page.text
    assert "Submit" in page.text
    assert client.get("/tickets").status_code == 303  # a pending session is not signed in

    code = web_world.last_mail(MailTemplate.SIGN_IN_CODE).mail.context["code"]
    response = form_post(client, "/signin/code", {"code": code})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    full = session_cookie(client)
    assert full
    assert full != pending

    assert client.get("/").headers["location"] == "/tickets"
    page = client.get("/tickets")
    assert page.status_code == 200
    assert "Jan Kowalski" in page.text
    for text in ("Aktywności", "Klient", "Zasoby", "Moje Zasoby", "Baza Wiedzy", "Kontrakty",
                 "Zarejestruj kontrakt", "Nowe zgłoszenie", "Numer zgłoszenia", "Temat",
                 "Data modyfikacji", "Firma", "Wiek", "Status",
                 "Brak danych do wyświetlenia.", "Ilość elementów: 0"):
        assert text in page.text, text
    assert page.headers["cache-control"] == "no-store"
    # a signed-in user asking for the sign-in page goes home
    assert client.get("/signin").status_code == 303


def test_wrong_password_and_unknown_account_get_the_same_answer(client, web_world, issued):
    web_world.register("jan", contract=issued)
    wrong = form_post(client, "/signin", {"login": "jan", "password": "not the password!"},
                      headers=EN)
    unknown = form_post(client, "/signin", {"login": "nobody", "password": "not the password!"},
                        headers=EN)
    assert wrong.status_code == unknown.status_code == 400
    assert WRONG in wrong.text
    assert "Forgot my password" in wrong.text
    assert wrong.text.replace('value="jan"', "") == unknown.text.replace('value="nobody"', "")
    assert session_cookie(client) is None


def test_migrated_account_gets_the_same_message_pointing_at_the_reset(client, web_world):
    web_world.services.import_migrated_accounts([MigratedAccount(
        1, "olga@example.com", "Olga", "Stara", "", "Acme")])
    migrated = form_post(client, "/signin", {"login": "olga@example.com", "password": "whatever"},
                         headers=EN)
    unknown = form_post(client, "/signin", {"login": "ghost@example.com", "password": "whatever"},
                        headers=EN)
    assert migrated.status_code == unknown.status_code
    assert "CLICO TAC" in migrated.text
    assert "Forgot my password" in migrated.text
    assert (migrated.text.replace("olga@example.com", "X")
            == unknown.text.replace("ghost@example.com", "X"))


def test_the_login_is_kept_but_never_the_password(client, web_world, issued):
    page = form_post(client, "/signin", {"login": "someone", "password": "secret-typed-value"})
    assert 'value="someone"' in page.text
    assert "secret-typed-value" not in page.text


def test_unconfirmed_account_is_told_to_confirm(client, web_world, issued):
    web_world.register("jan", contract=issued, confirm=False)
    page = form_post(client, "/signin", {"login": "jan", "password": PASSWORD}, headers=EN)
    assert page.status_code == 403
    assert "Confirm your email address first" in page.text


def test_too_many_wrong_passwords_answer_429_with_retry_after(client, web_world, issued):
    web_world.register("jan", contract=issued)
    statuses = [form_post(client, "/signin", {"login": "jan", "password": f"wrong {i}"}).status_code
                for i in range(11)]
    assert statuses[:10] == [400] * 10
    last = form_post(client, "/signin", {"login": "jan", "password": PASSWORD})
    assert last.status_code == 429
    assert int(last.headers["retry-after"]) > 0


def test_wrong_codes_count_down_then_end_the_pending_sign_in(client, web_world, issued):
    web_world.register("jan", contract=issued)
    form_post(client, "/signin", {"login": "jan", "password": PASSWORD})
    code = web_world.last_mail(MailTemplate.SIGN_IN_CODE).mail.context["code"]
    wrong = "000000" if code != "000000" else "111111"
    first = form_post(client, "/signin/code", {"code": wrong}, headers=EN)
    assert first.status_code == 400
    assert f"Attempts left: {MAX_CODE_FAILURES - 1}" in first.text
    for _ in range(MAX_CODE_FAILURES - 2):
        assert form_post(client, "/signin/code", {"code": wrong}).status_code == 400
    ended = form_post(client, "/signin/code", {"code": wrong})
    assert ended.status_code == 303
    assert ended.headers["location"] == "/signin?expired=1"
    assert session_cookie(client) is None
    assert "Your sign-in has expired" in client.get("/signin?expired=1", headers=EN).text
    # the right code no longer helps
    assert client.get("/signin/code").headers["location"] == "/signin"


def test_a_new_code_is_throttled_then_sent(client, web_world, issued):
    web_world.register("jan", contract=issued)
    form_post(client, "/signin", {"login": "jan", "password": PASSWORD})
    too_soon = form_post(client, "/signin/code/resend", {}, token_from="/signin/code")
    assert too_soon.status_code == 429
    assert int(too_soon.headers["retry-after"]) > 0
    web_world.clock.advance(RESEND_INTERVAL + timedelta(seconds=1))
    before = len(list(web_world.mails.all()))
    sent = form_post(client, "/signin/code/resend", {}, token_from="/signin/code")
    assert sent.status_code == 303
    assert len(list(web_world.mails.all())) == before + 1
    assert "A new code has been sent." in client.get(sent.headers["location"], headers=EN).text
    code = web_world.last_mail(MailTemplate.SIGN_IN_CODE).mail.context["code"]
    assert form_post(client, "/signin/code", {"code": code}).headers["location"] == "/"


def test_sign_out_ends_the_session_and_a_replayed_cookie_is_signed_out(client, web_world,
                                                                       issued):
    web_world.register("jan", contract=issued)
    sign_in_web(client, web_world)
    stolen = session_cookie(client)
    response = form_post(client, "/signout", {}, token_from="/tickets")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin"
    assert session_cookie(client) is None
    client.cookies.set("clico_session", stolen)
    replay = client.get("/tickets")
    assert replay.status_code == 303
    assert replay.headers["location"] == "/signin"


def test_signed_in_pages_need_a_session(client):
    for path in ("/tickets", "/customer", "/assets", "/contracts",
                 "/contracts/register", "/contracts/anything", "/account/password"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/signin"
    assert client.get("/knowledge").status_code == 200  # ``Baza Wiedzy`` is open to all


def test_idle_session_times_out(client, web_world, issued):
    web_world.register("jan", contract=issued)
    sign_in_web(client, web_world)
    web_world.clock.advance(timedelta(minutes=31))
    assert client.get("/tickets").headers["location"] == "/signin"


def test_changing_the_password_ends_the_other_sessions(client, web_world, issued):
    web_world.register("jan", contract=issued)
    other_session = web_world.sign_in("jan")
    sign_in_web(client, web_world)
    page = client.get("/account/password")
    assert '<label for="f-current_password">Obecne hasło</label>' in page.text
    wrong = form_post(client, "/account/password", {
        "current_password": "not it at all", "password": "a brand new passphrase 42",
        "password_confirm": "a brand new passphrase 42"})
    assert wrong.status_code == 400
    assert "Obecne hasło jest nieprawidłowe." in wrong.text
    done = form_post(client, "/account/password", {
        "current_password": PASSWORD, "password": "a brand new passphrase 42",
        "password_confirm": "a brand new passphrase 42"})
    assert done.status_code == 303
    assert "Hasło zostało zmienione." in client.get(done.headers["location"]).text
    assert web_world.services.authenticate(other_session) is None
    assert client.get("/tickets").status_code == 200  # this session goes on
    assert web_world.last_mail(MailTemplate.PASSWORD_CHANGED)


def test_posting_a_code_with_a_full_session_ends_that_session(client, web_world, issued):
    web_world.register("jan", contract=issued)
    sign_in_web(client, web_world)
    token = client.cookies.get(next(n for n in client.cookies if "session" in n))
    assert token is not None and web_world.services.authenticate(token) is not None
    response = form_post(client, "/signin/code", {"code": "123456"}, token_from="/tickets")
    assert response.status_code == 303 and "expired" in response.headers["location"]
    assert web_world.services.authenticate(token) is None


def _fresh_browser(client):  # type: ignore[no-untyped-def]
    return TestClient(client.app, base_url=BASE_URL, follow_redirects=False)


def _strangers_fail(web_world, count: int = 10) -> None:  # type: ignore[no-untyped-def]
    for i in range(count):
        with pytest.raises(InvalidCredentials):
            web_world.services.sign_in(SignIn("jan", "not the password!", f"10.0.0.{i + 1}"))


def test_completing_both_steps_gives_the_browser_a_device_cookie(client, web_world, issued):
    web_world.register("jan", contract=issued)
    pending = form_post(client, "/signin", {"login": "jan", "password": PASSWORD})
    assert "clico_device" not in pending.headers.get("set-cookie", "")  # the password alone
    code = web_world.last_mail(MailTemplate.SIGN_IN_CODE).mail.context["code"]
    done = form_post(client, "/signin/code", {"code": code})
    cookie = next(c for c in done.headers.get_list("set-cookie") if c.startswith("clico_device="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert f"Max-Age={365 * 24 * 3600}" in cookie
    assert client.cookies.get("clico_device")
    form_post(client, "/signout", {}, token_from="/tickets")
    assert client.cookies.get("clico_device")  # signing out keeps it: the browser is known


def test_strangers_failures_slow_new_browsers_but_not_the_owners(client, web_world, issued):
    web_world.register("jan", contract=issued)
    sign_in_web(client, web_world)
    form_post(client, "/signout", {}, token_from="/tickets")
    _strangers_fail(web_world)
    with _fresh_browser(client) as stranger:
        refused = form_post(stranger, "/signin", {"login": "jan", "password": PASSWORD},
                            headers=EN)
        assert refused.status_code == 429
        assert 0 < int(refused.headers["retry-after"]) <= 60
        assert "Too many attempts. Try again in" in refused.text
    sign_in_web(client, web_world)  # the owner's browser goes straight in


def test_a_forged_or_foreign_device_cookie_counts_for_nothing(client, web_world, issued):
    web_world.register("jan", contract=issued)
    web_world.register("ola", contract=web_world.issue("C-2"))
    sign_in_web(client, web_world, "ola")
    ola_cookie = client.cookies.get("clico_device")
    form_post(client, "/signout", {}, token_from="/tickets")
    sign_in_web(client, web_world)
    both = client.cookies.get("clico_device")
    assert both and ola_cookie and both.endswith(ola_cookie)  # one browser, two accounts
    jan_entry = both.split("~")[0]
    _strangers_fail(web_world)
    for value in (ola_cookie, jan_entry[:-2] + ("AA" if not jan_entry.endswith("AA") else "BB"),
                  jan_entry.replace(".", ".x", 1)):
        with _fresh_browser(client) as other:
            other.cookies.set("clico_device", value)
            response = form_post(other, "/signin", {"login": "jan", "password": PASSWORD})
            assert response.status_code == 429, value
    with _fresh_browser(client) as copy:
        copy.cookies.set("clico_device", jan_entry)
        assert form_post(copy, "/signin", {"login": "jan", "password": PASSWORD}
                         ).status_code == 303


def test_https_device_cookie_is_host_prefixed_and_secure(web_world, issued):
    settings = Settings(base_url="https://portal.example.test", secret_key="s" * 40,
                        mode=Mode.PRODUCTION, start_mail_worker=False)
    web_world.register("jan", contract=issued)
    app = create_app(settings, services=web_world.services)
    with TestClient(app, base_url="https://portal.example.test",
                    follow_redirects=False) as https:
        form_post(https, "/signin", {"login": "jan", "password": PASSWORD})
        code = web_world.last_mail(MailTemplate.SIGN_IN_CODE).mail.context["code"]
        done = form_post(https, "/signin/code", {"code": code})
        cookie = next(c for c in done.headers.get_list("set-cookie")
                      if c.startswith("__Host-clico_device="))
        assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
        assert "Domain" not in cookie
