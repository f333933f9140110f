"""``Forgot my password``: the same answer always, the reset link, a migrated account."""

from __future__ import annotations

from clico_core.mail import MailTemplate
from clico_core.services import MigratedAccount

from .web_fixtures import *  # noqa: F403 - fixtures
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
