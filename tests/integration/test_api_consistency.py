"""The JSON API's reach and its writes under concurrency, on SQLite and PostgreSQL: staff
list every company's contracts, a customer its own; ``If-Match`` is compared in the write's
own unit of work; a repeated upload with the same ``Idempotency-Key`` stores one file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from clico_core.services import CreateStaff, Services

from ..support import PALO_ALTO_ANSWERS, PASSWORD, World
from .api_support import api_get, api_post, bearer, token_for

pytestmark = pytest.mark.usefixtures("client")


@pytest.fixture
def acme(web_world: World) -> World:
    web_world.register("jan", contract=web_world.issue("C-1", "Acme"))
    web_world.issue("C-2", "Acme")
    other = web_world.issue("C-9", "Other", assets=(("FG-60F", "FORTINET", "SN-9"),))
    web_world.register("ola", contract=other, email="ola@example.com")
    return web_world


def _ticket(client: TestClient, token: str) -> str:
    asset = api_get(client, "/assets", token).json()["items"][0]["id"]
    body = {"kind": "technical", "subject": "VPN drops", "description": "<p>Hourly.</p>",
            "asset_id": asset, "answers": PALO_ALTO_ANSWERS}
    response = api_post(client, "/tickets", token, body)
    assert response.status_code == 201, response.text
    return str(response.json()["number"])


def test_staff_list_every_companys_contracts_and_a_customer_its_own(
        client: TestClient, acme: World) -> None:
    _, path = acme.services.create_staff_account(CreateStaff("ops@clico.pl", "Ewa", "Ops"))
    acme.services.reset_password(path.rsplit("/", 1)[-1], PASSWORD, PASSWORD)
    staff = token_for(acme, "ops@clico.pl", "read")
    response = api_get(client, "/contracts", staff)
    assert response.status_code == 200, response.text
    listed = response.json()
    assert [c["number"] for c in listed["items"]] == ["C-1", "C-2", "C-9"]
    assert listed["total"] == 3
    other = next(c["company_id"] for c in listed["items"] if c["number"] == "C-9")
    only = api_get(client, "/contracts", staff, params={"company": other}).json()
    assert [c["number"] for c in only["items"]] == ["C-9"]
    jan = api_get(client, "/contracts", token_for(acme, "jan")).json()
    assert [c["number"] for c in jan["items"]] == ["C-1", "C-2"]  # C-2: its company's too
    assert api_get(client, "/contracts", token_for(acme, "jan"),
                   params={"company": other}).json()["items"] == []
    assert api_get(client, "/contracts", staff, params={"size": "0"}).status_code == 422


def _bump_first(monkeypatch: pytest.MonkeyPatch, name: str, acme: World,
                number: str) -> None:
    """Another writer changes the ticket just before ``Services.<name>`` writes: the
    window between a separate version check and the write."""
    original: Callable[..., Any] = getattr(Services, name)

    def racing(self: Services, *args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(Services, name, original)  # once
        acme.services.change_priority(acme.engineer("race@clico.pl"), number, "critical")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Services, name, racing)


@pytest.mark.parametrize("write", ["post_reply", "close_ticket"])
def test_if_match_is_compared_in_the_writes_own_unit_of_work(
        client: TestClient, acme: World, monkeypatch: pytest.MonkeyPatch, write: str) -> None:
    token = token_for(acme, "jan")
    number = _ticket(client, token)
    tag = api_get(client, f"/tickets/{number}", token).headers["ETag"]
    _bump_first(monkeypatch, write, acme, number)
    path = f"/tickets/{number}/replies" if write == "post_reply" else f"/tickets/{number}/close"
    body = {"body": "Still down."} if write == "post_reply" else None
    response = api_post(client, path, token, body, **{"If-Match": tag})
    assert response.status_code == 412, response.text
    articles = api_get(client, f"/tickets/{number}/articles", token).json()["items"]
    assert [a["kind"] for a in articles] == ["description"]
    assert api_get(client, f"/tickets/{number}", token).json()["status"] != "closed"
    fresh = api_get(client, f"/tickets/{number}", token).headers["ETag"]
    assert api_post(client, path, token, body, **{"If-Match": fresh}).status_code in (200, 201)


def test_a_repeated_upload_with_the_same_key_is_the_first_file(
        client: TestClient, acme: World) -> None:
    jan, ola = token_for(acme, "jan"), token_for(acme, "ola")

    def upload(token: str, content: bytes, key: str) -> Any:
        return client.post("/api/v1/attachments?name=log.txt", content=content,
                           headers=bearer(token, **{"Idempotency-Key": key}))

    first, again = upload(jan, b"tunnel down", "u-1"), upload(jan, b"other bytes", "u-1")
    assert first.status_code == again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]
    assert api_get(client, f"/attachments/{first.json()['id']}", jan).content == b"tunnel down"
    assert upload(jan, b"new", "u-2").json()["id"] != first.json()["id"]
    theirs = upload(ola, b"ola's", "u-1").json()["id"]  # a key is the account's own
    assert theirs != first.json()["id"]
    assert api_get(client, f"/attachments/{theirs}", jan).status_code == 404
