"""``Sign Up`` with a support certificate, and the confirmation link."""

from __future__ import annotations

from clico_core.mail import MailTemplate

from .web_fixtures import *  # noqa: F403 - fixtures
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


def test_wrong_contract_and_key_are_field_errors(client, issued):
    unknown = form_post(client, "/signup", sign_up_data(issued, contract_number="NOPE"),
                        headers=EN)
    assert unknown.status_code == 400
    assert '<p class="field-error" id="e-contract_number">There is no contract' in unknown.text
    wrong_key = form_post(client, "/signup", sign_up_data(issued, activation_code="WRONG-KEY"),
                          headers=EN)
    assert '<p class="field-error" id="e-activation_code">' in wrong_key.text


def test_taken_email_gets_the_same_answer_and_mails_the_owner(client, web_world, issued):
    web_world.register("jan", contract=issued, email="jan@example.com")
    page = form_post(client, "/signup", sign_up_data(issued, email="jan@example.com"),
                     headers=EN)
    fresh = form_post(client, "/signup", sign_up_data(issued, login="ola",
                                                      email="ola@example.com"), headers=EN)
    assert page.status_code == fresh.status_code == 200
    assert page.text == fresh.text
    assert web_world.last_mail(MailTemplate.ACCOUNT_EXISTS, "jan@example.com")


def test_unknown_confirmation_link(client):
    response = form_post(client, "/confirm/nonsense", {}, headers=EN)
    assert response.status_code == 400
    assert "This link is invalid, used or expired." in response.text
