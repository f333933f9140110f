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


def _endpoint_paths(admin: TestClient) -> list[str]:
    return [f"/admin/webhooks/{i}" for i in LOG_LINK.findall(admin.get("/admin/webhooks").text)]


def test_disabling_changing_and_deleting_an_endpoint(admin: TestClient,
                                                     web_world: World) -> None:
    _register(admin, company="Acme", url="https://a.example.com/in")
    _register(admin, company="Acme", url="https://b.example.com/in")
    first, second = _endpoint_paths(admin)
    web_world.register("jan", contract=web_world.issue("C-2", "Acme"))
    jan = web_world.viewer("jan")
    web_world.services.open_ticket(jan, OpenTicket("VPN down", "<p>It drops.</p>"))

    off = form_post(admin, f"{first}/disable", {}, token_from=first)
    assert off.status_code == 303 and off.headers["location"] == f"{first}?done=disabled"
    page = admin.get(off.headers["location"])
    assert "Punkt odbioru wyłączony" in page.text and "Włącz punkt odbioru" in page.text
    assert "nowe dostarczenia nie są zapisywane" in page.text
    assert "(Punkt odbioru wyłączony)" in admin.get("/admin/webhooks").text
    web_world.services.open_ticket(jan, OpenTicket("Second", "<p>Again.</p>"))
    assert admin.get(first).text.count("/redeliver") == 1  # none recorded while disabled
    assert admin.get(second).text.count("/redeliver") == 2
    on = form_post(admin, f"{first}/enable", {}, token_from=first)
    assert on.status_code == 303 and on.headers["location"] == f"{first}?done=enabled"
    assert "Punkt odbioru włączony" in admin.get(first).text

    events = form_post(admin, f"{first}/events", {"event_reply": "on", "event_status": "on"},
                       token_from=first)
    assert events.status_code == 303 and events.headers["location"] == f"{first}?done=events"
    page = admin.get(events.headers["location"]).text
    assert "Zdarzenia zostały zapisane." in page
    assert re.search(r'name="event_reply" value="on" checked', page)
    assert not re.search(r'name="event_created" value="on" checked', page)
    web_world.services.open_ticket(jan, OpenTicket("Third", "<p>More.</p>"))
    assert admin.get(first).text.count("/redeliver") == 1  # ticket.created no longer chosen
    for bad in ({}, {"event_reply": "x" * 20}, {"unknown": "on"}):
        refused = form_post(admin, f"{first}/events", bad, token_from=first)
        assert refused.status_code == 400, refused.text
    assert re.search(r'name="event_reply" value="on" checked', admin.get(first).text)

    gone = form_post(admin, f"{first}/delete", {}, token_from=first)
    assert gone.status_code == 303 and gone.headers["location"] == "/admin/webhooks?deleted=1"
    assert "zostały usunięte" in admin.get(gone.headers["location"]).text
    assert _endpoint_paths(admin) == [second]
    assert admin.get(first).status_code == 404
    for action in ("disable", "enable", "delete", "events"):
        assert form_post(admin, f"{first}/{action}", {"event_reply": "on"} if action == "events"
                         else {}, token_from=second).status_code == 404
        assert admin.post(f"{second}/{action}").status_code == 403  # no CSRF token
    with web_world.services.ports.uow(readonly=True) as uow:
        details = {e.kind.value: e.detail for e in uow.audit.recent()}
    endpoint_id = first.rsplit("/", 1)[-1]
    assert details["webhook_deleted"] == f"{endpoint_id} https://a.example.com/in 1 deliveries"
    assert details["webhook_changed"].startswith(endpoint_id)
    assert admin.get(second).text.count("/redeliver") == 3  # the other endpoint's log stays


def test_engineers_cannot_change_or_delete_endpoints(client: TestClient,
                                                     web_world: World) -> None:
    _staff(client, web_world, Role.ADMIN, "admin@clico.pl")
    _register(client)
    (path,) = _endpoint_paths(client)
    client.cookies.clear()
    _staff(client, web_world, Role.ENGINEER, "eng@clico.pl")
    for action in ("disable", "enable", "delete", "events"):
        assert form_post(client, f"{path}/{action}", {},
                         token_from="/account/password").status_code == 403
