"""``Sign Up`` with a support certificate, and the confirmation link."""

from __future__ import annotations

import re

from clico_core.mail import MailTemplate

from .web_fixtures import PASSWORD, form_post, sign_in_web

EN = {"accept-language": "en"}
PL = {"accept-language": "pl"}
FIELDS = [("login", "Login"), ("email", "Email"), ("first_name", "First name"),
          ("last_name", "Last name"), ("password", "Password"),
          ("password_confirm", "Confirm password"), ("phone", "Phone Number"),
          ("contract_number", "Contract Number"), ("activation_code", "Activation Code"),
          ("company", "Company")]


def sign_up_data(issued, **changes: str) -> dict[str, str]:
    data = {"login": "ewa", "email": "ewa@example.com", "first_name": "Ewa",
            "last_name": "Nowak", "password": PASSWORD, "password_confirm": PASSWORD,
            "phone": "+48 600 100 200", "contract_number": issued.contract.number,
            "activation_code": issued.activation_key, "company": "Acme"}
    return {**data, **changes}


def test_sign_up_form_has_the_ten_fields_with_labels_and_placeholders(client):
    page = client.get("/signup", headers=EN)
    assert page.status_code == 200
    for name, label in FIELDS:
        assert f'<label for="f-{name}">{label}</label>' in page.text
        assert f'id="f-{name}" name="{name}"' in page.text
    assert page.text.count('placeholder="Enter your') == 10
    assert "Submit" in page.text


def test_sign_up_confirm_and_sign_in(client, web_world, issued):
    done = form_post(client, "/signup", sign_up_data(issued), headers=EN)
    assert done.status_code == 200
    assert "Open the link in it to confirm your email address." in done.text
    secret = web_world.secret_from(MailTemplate.CONFIRM_EMAIL, "ewa@example.com")
    page = client.get(f"/confirm/{secret}", headers=EN)
    assert page.status_code == 200
    assert "Email has been confirmed." not in page.text  # GET changes nothing
    confirmed = form_post(client, f"/confirm/{secret}", {}, headers=EN)
    assert confirmed.status_code == 200
    assert "Email has been confirmed." in confirmed.text
    used = form_post(client, f"/confirm/{secret}", {}, headers=EN)
    assert used.status_code == 400
    sign_in_web(client, web_world, "ewa")
    contracts = client.get("/contracts")
    assert issued.contract.number in contracts.text  # activated on the new account


def test_errors_are_shown_next_to_fields_in_the_users_language(client, issued):
    data = sign_up_data(issued, email="not-an-email", password="short", password_confirm="x")
    page = form_post(client, "/signup", data, headers=PL)
    assert page.status_code == 400
    assert '<p class="field-error" id="e-email">Wpisz prawidłowy adres e-mail.</p>' in page.text
    assert 'id="e-password"' in page.text
    assert 'aria-describedby="e-email"' in page.text
    # typed values stay, passwords never come back
    assert 'value="not-an-email"' in page.text
    assert 'value="Ewa"' in page.text
    assert f'value="{issued.activation_key}"' in page.text
    assert "short" not in page.text

    english = form_post(client, "/signup", data, headers=EN)
    assert "Enter a valid email address." in english.text


def _page(response) -> tuple[int, str, str | None, str]:  # type: ignore[no-untyped-def]
    """What a client sees of an answer, the per-session CSRF token aside."""
    body = re.sub(r'name="csrf_token" value="[0-9a-f]+"', "", response.text)
    return (response.status_code, response.headers.get("location"),
            response.headers.get("retry-after"), body)


def test_an_unknown_number_and_a_wrong_key_get_the_same_page(client, issued):
    unknown = form_post(client, "/signup", sign_up_data(issued, contract_number="NOPE"),
                        headers=EN)
    wrong_key = form_post(client, "/signup", sign_up_data(issued, activation_code="WRONG-KEY"),
                          headers=EN)
    assert unknown.status_code == 400
    for name in ("contract_number", "activation_code"):
        assert (f'<p class="field-error" id="e-{name}">The contract number or activation code '
                "is wrong.</p>") in unknown.text
    # the same page but for the number typed, which is kept in its field
    assert _page(unknown)[:3] == _page(wrong_key)[:3]
    assert (_page(unknown)[3].replace('value="NOPE"', 'value="C-1"')
            == _page(wrong_key)[3].replace('value="WRONG-KEY"', f'value="{issued.activation_key}"'))
    polish = form_post(client, "/signup", sign_up_data(issued, contract_number="NOPE"),
                       headers=PL)
    assert "Numer kontraktu lub kod aktywacyjny jest nieprawidłowy." in polish.text


def test_every_login_and_email_combination_gets_the_same_answer(client, web_world, issued):
    web_world.register("jan", contract=issued, email="jan@example.com")
    web_world.register("ala", contract=issued, email="ala@example.com")
    combinations = [  # login free/taken x e-mail unregistered/registered, and who is told
        ("ola", "ola@example.com", MailTemplate.CONFIRM_EMAIL, "ola"),
        ("ola2", "jan@example.com", MailTemplate.ACCOUNT_EXISTS, "jan"),
        ("jan", "new@example.com", MailTemplate.LOGIN_TAKEN, "jan"),
        ("jan", "ala@example.com", MailTemplate.ACCOUNT_EXISTS, "ala")]
    pages = []
    for login, email, template, told in combinations:
        before = len(web_world.mails.all())
        response = form_post(client, "/signup", sign_up_data(issued, login=login, email=email),
                             headers=EN)
        pages.append(_page(response))
        [mail] = [m.mail for m in web_world.mails.all()[before:]]
        assert (mail.template, mail.to, mail.context["login"]) == (template, email, told)
    assert pages[0][0] == 200 and pages[0][1] is None
    assert "Open the link in it to confirm your email address." in pages[0][3]
    assert pages[1:] == pages[:1] * 3
    # taken login and registered e-mail: the same page again; jan@ was told within the hour
    before = len(web_world.mails.all())
    again = form_post(client, "/signup", sign_up_data(issued, login="jan",
                                                      email="jan@example.com"), headers=EN)
    assert _page(again) == pages[0]
    assert len(web_world.mails.all()) == before


def test_sign_ups_from_one_address_are_limited(client, web_world, issued):
    for n in range(10):
        response = form_post(client, "/signup", sign_up_data(
            issued, login=f"user{n}", email=f"user{n}@example.com"), headers=EN)
        assert response.status_code == 200
    limited = form_post(client, "/signup", sign_up_data(issued, login="late",
                                                        email="late@example.com"), headers=EN)
    assert limited.status_code == 429
    assert 0 < int(limited.headers["retry-after"]) <= 3600
    assert "Too many attempts. Try again in" in limited.text
    assert 'value="late@example.com"' in limited.text  # what was typed stays
    polish = form_post(client, "/signup", sign_up_data(issued, login="late",
                                                       email="late@example.com"), headers=PL)
    assert polish.status_code == 429
    assert "Zbyt wiele prób." in polish.text


def test_unknown_confirmation_link(client):
    response = form_post(client, "/confirm/nonsense", {}, headers=EN)
    assert response.status_code == 400
    assert "This link is invalid, used or expired." in response.text
