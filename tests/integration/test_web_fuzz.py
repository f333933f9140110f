"""Hypothesis-generated junk in every form field: a 4xx or a form error, never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clico_core.mail import MailTemplate

from .web_fixtures import PASSWORD, csrf_of, form_post, sign_in_web

junk = st.text(st.characters(exclude_categories=("Cs",)), max_size=200) | st.sampled_from(
    ["", " ", "\x00", "a" * 5000, "\u202e\u0000\r\n", "<script>alert(1)</script>",
     "' OR 1=1 --", "%00", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ＡＢＣ＠ＥＸＡＭＰＬＥ．ＣＯＭ"])
extra = st.dictionaries(st.text(st.characters(exclude_categories=("Cs",)), min_size=1,
                                max_size=20), junk, max_size=2)
FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

PUBLIC_FORMS = {
    "/signin": ["login", "password"],
    "/password/forgot": ["login_or_email"],
    "/signup": ["login", "email", "first_name", "last_name", "password", "password_confirm",
                "phone", "contract_number", "activation_code", "company"],
    "/language": ["language", "next"],
}


def _fields(names):
    return st.fixed_dictionaries(dict.fromkeys(names, junk))


def _post(client, path, data, token):
    return client.post(path, data={**data, "csrf_token": token})


@pytest.mark.parametrize("path", sorted(PUBLIC_FORMS))
def test_junk_in_public_forms(client, issued, path):
    token = csrf_of(client, "/password/forgot")

    @FUZZ
    @given(data=_fields(PUBLIC_FORMS[path]), more=extra, drop=st.booleans())
    def run(data, more, drop):
        if drop and data:
            data.pop(sorted(data)[0])
        response = _post(client, path, {**data, **more}, token)
        assert response.status_code < 500, response.text

    run()


def test_junk_in_the_reset_form_and_link(client, web_world, issued):
    web_world.register("jan", contract=issued)
    form_post(client, "/password/forgot", {"login_or_email": "jan"})
    secret = web_world.secret_from(MailTemplate.PASSWORD_RESET)
    token = csrf_of(client, "/password/forgot")

    @FUZZ
    @given(data=_fields(["password", "password_confirm"]), link=junk)
    def run(data, link):
        response = _post(client, f"/password/reset/{secret}", data, token)
        assert response.status_code < 500
        assert client.get("/password/reset/" + quote(link, safe="")).status_code < 500

    run()


def test_junk_in_the_code_and_confirm_forms(client, web_world, issued):
    web_world.register("jan", contract=issued)
    form_post(client, "/signin", {"login": "jan", "password": PASSWORD})
    token = csrf_of(client, "/password/forgot")

    @FUZZ
    @given(data=_fields(["code"]), link=junk)
    def run(data, link):
        assert _post(client, "/signin/code", data, token).status_code < 500
        assert _post(client, "/signin/code/resend", {}, token).status_code < 500
        assert _post(client, "/confirm/" + quote(link, safe=""), {}, token).status_code < 500

    run()


def test_junk_in_the_signed_in_forms_and_queries(client, web_world, issued):
    web_world.register("jan", contract=issued)
    sign_in_web(client, web_world)
    token = csrf_of(client, "/password/forgot")

    @FUZZ
    @given(data=_fields(["contract_number", "contract_key"]), query=junk)
    def run(data, query):
        response = _post(client, "/contracts/register", data, token)
        assert response.status_code < 500
        password = {"current_password": data["contract_key"], "password": query,
                    "password_confirm": query}
        assert _post(client, "/account/password", password, token).status_code < 500
        for path in ("/assets", "/contracts/"):
            got = client.get(path, params={"category": query, "page": query, "size": query})
            assert got.status_code < 500
        assert client.get("/contracts/" + quote(query, safe="")).status_code < 500

    run()
