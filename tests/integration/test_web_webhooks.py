"""``Webhooki`` through the portal: an administrator registers an endpoint and sees its
secret once; bad addresses and bad forms get a message, never a 500; the delivery log and
``Wyślij ponownie``; engineers get a 403, customers a 404."""

from __future__ import annotations

import re

import pytest

from clico_core.services import CreateStaff, OpenTicket
from clico_core.values import Role

from ..support import World
from .web_fixtures import PASSWORD, TestClient, csrf_of, form_post, sign_in_web

SECRET = re.compile(r'<code id="webhook-secret">([^<]+)</code>')
LOG_LINK = re.compile(r'href="/admin/webhooks/([0-9a-f]+)"')


def _staff(client: TestClient, world: World, role: Role, email: str) -> None:
    _, path = world.services.create_staff_account(CreateStaff(email, "Ada", "Admin", role))
    world.services.reset_password(path.rsplit("/", 1)[-1], PASSWORD, PASSWORD)
    sign_in_web(client, world, email)


@pytest.fixture
def admin(client: TestClient, web_world: World) -> TestClient:
    web_world.issue("C-1", "Acme")
    _staff(client, web_world, Role.ADMIN, "admin@clico.pl")
    return client


def _register(client: TestClient, **fields: str):  # type: ignore[no-untyped-def]
    data = {"url": "https://hooks.example.com/in", "company": "", "event_created": "on"}
    return form_post(client, "/admin/webhooks", {**data, **fields})


def test_the_secret_is_shown_once_and_the_endpoint_listed(admin: TestClient) -> None:
    page = _register(admin, company="acme", event_reply="on")
    assert page.status_code == 200
    secret = SECRET.search(page.text)
    assert secret and len(secret.group(1)) >= 40
    listing = admin.get("/admin/webhooks")
    assert "https://hooks.example.com/in" in listing.text and "Acme" in listing.text
    assert secret.group(1) not in listing.text
    endpoint = LOG_LINK.search(listing.text)
    assert endpoint
    assert secret.group(1) not in admin.get(f"/admin/webhooks/{endpoint.group(1)}").text


@pytest.mark.parametrize("url", [
    "", "ftp://hooks.example.com/", "javascript:alert(1)", "hooks.example.com/in",
    "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/", "http://[::1]/",
    "http://169.254.169.254/latest/meta-data", "http://user:pw@hooks.example.com/",
    "http://hooks.example.com:99999/", "http://exa mple.com/", "http://[zz]/",
    "https://x.example.com/" + "a" * 2100, "http://router.internal/", "http://0.0.0.0/",
])
def test_bad_addresses_get_a_message_and_nothing_is_registered(admin: TestClient,
                                                                url: str) -> None:
    page = _register(admin, url=url)
    assert page.status_code == 400, page.text
    assert 'aria-invalid="true"' in page.text
    assert not LOG_LINK.search(admin.get("/admin/webhooks").text)


@pytest.mark.parametrize("fields", [
    {"event_created": ""},  # no event at all
    {"company": "Nobody Ltd"},
    {"event_created": "x" * 20},  # longer than a checkbox sends
    {"extra": "field"},
])
def test_bad_forms_are_refused_without_an_error_page(admin: TestClient,
                                                     fields: dict[str, str]) -> None:
    page = _register(admin, **fields)
    assert page.status_code == 400
    assert not LOG_LINK.search(admin.get("/admin/webhooks").text)


def test_the_delivery_log_and_sending_again(admin: TestClient, web_world: World) -> None:
    _register(admin, company="Acme")
    endpoint = LOG_LINK.search(admin.get("/admin/webhooks").text)
    assert endpoint
    path = f"/admin/webhooks/{endpoint.group(1)}"
    web_world.register("jan", contract=web_world.issue("C-2", "Acme"))
    ticket = web_world.services.open_ticket(web_world.viewer("jan"),
                                            OpenTicket("VPN down", "<p>It drops.</p>"))
    log = admin.get(path)
    assert "Utworzenie zgłoszenia" in log.text and "Oczekuje" in log.text
    assert "Wyślij ponownie" in log.text
    delivery = re.search(r'/deliveries/([0-9a-f]+)/redeliver', log.text)
    assert delivery and ticket.number
    again = form_post(admin, f"{path}/deliveries/{delivery.group(1)}/redeliver", {},
                      token_from=path)
    assert again.status_code == 303 and again.headers["location"] == f"{path}?resent=1"
    for wrong in (f"{path}/deliveries/{'0' * 32}/redeliver",
                  f"/admin/webhooks/{'0' * 32}/deliveries/{delivery.group(1)}/redeliver",
                  f"{path}/deliveries/{'9' * 300}/redeliver"):
        assert form_post(admin, wrong, {}, token_from=path).status_code == 404
    assert admin.get(f"/admin/webhooks/{'0' * 32}").status_code == 404
    token = csrf_of(admin, path)
    assert admin.post(f"{path}/deliveries/{delivery.group(1)}/redeliver").status_code == 403
    assert token


def test_engineers_get_a_403_and_customers_a_404(client: TestClient, web_world: World) -> None:
    web_world.register("jan", contract=web_world.issue("C-1", "Acme"))
    sign_in_web(client, web_world, "jan")
    assert client.get("/admin/webhooks").status_code == 404
    assert form_post(client, "/admin/webhooks", {"url": "https://x.example.com/"},
                     token_from="/account/password").status_code == 404
    client.cookies.clear()
    _staff(client, web_world, Role.ENGINEER, "eng@clico.pl")
    assert client.get("/admin/webhooks").status_code == 403
    assert form_post(client, "/admin/webhooks", {"url": "https://x.example.com/"},
                     token_from="/account/password").status_code == 403
